-- Envkeep schema, version 1. Append-only: never edit a released migration, add a new file.
-- Times are INTEGER milliseconds since the Unix epoch (UTC). Ids are 32 lowercase hex characters.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'admin',
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    id_hash      BLOB PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires_at ON sessions(expires_at);

CREATE TABLE projects (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    sealed_wire_key BLOB NOT NULL,
    sealed_data_key BLOB NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE environments (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    UNIQUE (project_id, slug)
) STRICT;

CREATE TABLE folders (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    path           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (environment_id, path)
) STRICT;

CREATE TABLE secrets (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    path           TEXT NOT NULL,
    key            TEXT NOT NULL,
    value_ct       BLOB NOT NULL,
    comment_ct     BLOB NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (environment_id, path, key),
    FOREIGN KEY (environment_id, path) REFERENCES folders(environment_id, path) ON DELETE CASCADE
) STRICT;

CREATE TABLE service_tokens (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_hash   BLOB NOT NULL,
    encrypted_key TEXT NOT NULL,
    iv            TEXT NOT NULL,
    tag           TEXT NOT NULL,
    permissions   TEXT NOT NULL,
    expires_at    INTEGER,
    allowed_ips   TEXT NOT NULL DEFAULT '[]',
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    last_used_ip  TEXT
) STRICT;
CREATE INDEX service_tokens_project ON service_tokens(project_id);
CREATE INDEX service_tokens_expires_at ON service_tokens(expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE service_token_scopes (
    token_id    TEXT NOT NULL REFERENCES service_tokens(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    environment TEXT NOT NULL,
    secret_path TEXT NOT NULL,
    PRIMARY KEY (token_id, position)
) STRICT;

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id   TEXT,
    action     TEXT NOT NULL,
    project_id TEXT,
    detail     TEXT NOT NULL DEFAULT '{}',
    ip         TEXT
) STRICT;
CREATE INDEX audit_events_project_at ON audit_events(project_id, at);
