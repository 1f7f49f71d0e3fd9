-- Envkeep schema: secret history (versions), a trash, and each project's retention.
--
-- `secret_versions` keeps every superseded (value, comment) pair, sealed under the project data key
-- with associated data naming project, environment, path, key and version (so a history
-- ciphertext cannot pass for another version or for a live row). A pair that did not open when it
-- was superseded is kept as `unreadable` with no ciphertext. A `delete` row (no ciphertext)
-- marks the moment a secret went to the trash. Rows carry the secret's id, not a foreign key:
-- a trashed secret's history outlives its row in `secrets`.
--
-- The live row in `secrets` carries who made its current version and how, so the newest entry of
-- a history needs no extra row; `superseded_at` is when the next version replaced a pair, the
-- clock that retention (`projects.history_days`) prunes by.

ALTER TABLE projects ADD COLUMN history_days INTEGER NOT NULL DEFAULT 90;
-- The sealed bytes the project's history holds, kept by every history insert so the storage
-- limit's check reads one row, however long the history; the retention job recounts it.
ALTER TABLE projects ADD COLUMN history_bytes INTEGER NOT NULL DEFAULT 0;

ALTER TABLE secrets ADD COLUMN action TEXT;
ALTER TABLE secrets ADD COLUMN actor_kind TEXT;
ALTER TABLE secrets ADD COLUMN actor_id TEXT;
ALTER TABLE secrets ADD COLUMN actor_name TEXT;

CREATE TABLE secret_versions (
    secret_id      TEXT NOT NULL,
    version        INTEGER NOT NULL,
    project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    path           TEXT NOT NULL,
    key            TEXT NOT NULL,
    value_ct       BLOB,
    comment_ct     BLOB,
    unreadable     INTEGER NOT NULL DEFAULT 0,
    action         TEXT NOT NULL,
    actor_kind     TEXT,
    actor_id       TEXT,
    actor_name     TEXT,
    created_at     INTEGER NOT NULL,
    superseded_at  INTEGER,
    PRIMARY KEY (secret_id, version)
) STRICT, WITHOUT ROWID;

-- Point-in-time restore reads a subtree's versions; retention finds the old ones.
CREATE INDEX secret_versions_place ON secret_versions (environment_id, path, key);
CREATE INDEX secret_versions_superseded ON secret_versions (project_id, superseded_at);
-- The retention job's recount of `history_bytes` reads this index alone.
CREATE INDEX secret_versions_usage ON secret_versions (project_id, coalesce(length(value_ct), 0) + coalesce(length(comment_ct), 0));

CREATE TABLE trash (
    secret_id       TEXT PRIMARY KEY,
    project_id      TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    path            TEXT NOT NULL,
    key             TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    deleted_at      INTEGER NOT NULL,
    deleted_by_kind TEXT,
    deleted_by_id   TEXT,
    deleted_by_name TEXT
) STRICT;

CREATE INDEX trash_listing ON trash (environment_id, deleted_at DESC, secret_id);
CREATE INDEX trash_retention ON trash (project_id, deleted_at);
