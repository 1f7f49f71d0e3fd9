-- Secret imports: a folder lists other folders (environment + path, in order) whose secrets a
-- read may include. The importing folder's own imports go with it (and with its environment);
-- deleting an imported folder or environment is refused by the server (409) before this cascade
-- could apply, except where the importer goes too.
CREATE TABLE secret_imports (
    id                    TEXT PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id        TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    path                  TEXT NOT NULL,
    import_environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    import_path           TEXT NOT NULL,
    position              INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    UNIQUE (environment_id, path, import_environment_id, import_path),
    FOREIGN KEY (environment_id, path) REFERENCES folders(environment_id, path) ON DELETE CASCADE
) STRICT;

CREATE INDEX secret_imports_by_project ON secret_imports (project_id);

-- Machine identities with Universal Auth. Client secrets are 256 random bits stored as SHA-256 and
-- found through the identity's client id; access tokens (`mi.<id>.<secret>`, 128 random bits) as
-- SHA-256. Times in milliseconds; TTLs in seconds (0 = no limit). IP lists are JSON arrays of
-- CIDRs (empty = any address). An identity reaches a project only through a membership with a
-- role (`developer` or `viewer`) and an optional environment list (JSON array; NULL = all).
CREATE TABLE identities (
    id                          TEXT PRIMARY KEY,
    name                        TEXT NOT NULL,
    client_id                   TEXT NOT NULL UNIQUE,
    access_token_ttl            INTEGER NOT NULL,
    access_token_max_ttl        INTEGER NOT NULL,
    access_token_num_uses_limit INTEGER NOT NULL,
    client_secret_trusted_ips   TEXT NOT NULL,
    access_token_trusted_ips    TEXT NOT NULL,
    created_by                  TEXT,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
) STRICT;

CREATE TABLE identity_client_secrets (
    id             TEXT PRIMARY KEY,
    identity_id    TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    secret_hash    BLOB NOT NULL,
    prefix         TEXT NOT NULL,
    description    TEXT NOT NULL,
    ttl            INTEGER NOT NULL,
    num_uses_limit INTEGER NOT NULL,
    num_uses       INTEGER NOT NULL DEFAULT 0,
    last_used_at   INTEGER,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX identity_client_secrets_by_identity ON identity_client_secrets (identity_id);

CREATE TABLE identity_access_tokens (
    id              TEXT PRIMARY KEY,
    identity_id     TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    secret_hash     BLOB NOT NULL,
    ttl             INTEGER NOT NULL,
    max_ttl         INTEGER NOT NULL,
    num_uses_limit  INTEGER NOT NULL,
    num_uses        INTEGER NOT NULL DEFAULT 0,
    last_used_at    INTEGER,
    created_at      INTEGER NOT NULL,
    last_renewed_at INTEGER
) STRICT;

CREATE INDEX identity_access_tokens_by_identity ON identity_access_tokens (identity_id);

CREATE TABLE identity_memberships (
    identity_id  TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('developer', 'viewer')),
    environments TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (identity_id, project_id)
) STRICT;

CREATE INDEX identity_memberships_by_project ON identity_memberships (project_id);
