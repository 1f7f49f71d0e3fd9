-- Envkeep schema, version 6: the audit log's hash chain, actor names, and per-token usage.
--
-- `hash` is HMAC-SHA256(k, previous hash || canonical row) (see db::audit::chain for the layout);
-- rows written before this version have none. The genesis anchor below marks where the chain
-- starts: rows before it are reported as "before the chain", and the first chained row links to
-- the anchor's hash, which the server computes (SQL has no key) rather than stores.
--
-- `actor_name` is a snapshot of the actor's name (a user's e-mail, a token's name) taken when the
-- row was written, so a deleted user or token keeps its name in the log.

ALTER TABLE audit_events ADD COLUMN actor_name TEXT;
ALTER TABLE audit_events ADD COLUMN hash BLOB;

INSERT INTO audit_events (at, actor_kind, action, detail)
SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 'system', 'audit.chain_started',
       json_object('rowsBefore', (SELECT count(*) FROM audit_events));

-- The read API filters by project and actor and pages newest first by id.
CREATE INDEX audit_events_project_id ON audit_events (project_id, id);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, id) WHERE actor_id IS NOT NULL;

-- Reads and writes by each service token per hour, environment and folder, summed in memory and
-- flushed about once a minute. No foreign key: a revoked token's usage is kept for its project's
-- history and pruned with it.
CREATE TABLE token_usage (
    token_id    TEXT NOT NULL,
    project_id  TEXT NOT NULL,
    hour        INTEGER NOT NULL,
    environment TEXT NOT NULL,
    path        TEXT NOT NULL,
    reads       INTEGER NOT NULL DEFAULT 0,
    writes      INTEGER NOT NULL DEFAULT 0,
    -- The distinct client addresses seen (JSON list, at most 100): the API shows their count.
    ip_list     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (token_id, hour, environment, path)
) STRICT, WITHOUT ROWID;
CREATE INDEX token_usage_project_hour ON token_usage (project_id, hour);
