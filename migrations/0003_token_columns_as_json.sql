-- Envkeep schema, version 3: a token's permissions are stored as JSON like its allowed IPs and
-- scopes (`["read","write"]` instead of `read,write`), and all three columns must hold valid JSON.
--
-- Why: one encoding for the three list columns, decoded in one place (`db::tokens`); a value that
-- does not decode there is a corrupt row and its token is refused, never read as "no limit".
--
-- SQLite cannot add a CHECK to an existing column, so the table is rebuilt (nothing references
-- `service_tokens`). A value Envkeep never wrote is kept as a JSON string rather than dropped or
-- defaulted: it still fails to decode, so its token stays refused.

CREATE TABLE service_tokens_v3 (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_hash   BLOB NOT NULL,
    encrypted_key TEXT NOT NULL,
    iv            TEXT NOT NULL,
    tag           TEXT NOT NULL,
    permissions   TEXT NOT NULL CHECK (json_valid(permissions)),
    expires_at    INTEGER,
    allowed_ips   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(allowed_ips)),
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    last_used_ip  TEXT,
    scopes        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(scopes))
) STRICT;

INSERT INTO service_tokens_v3
SELECT id, project_id, name, secret_hash, encrypted_key, iv, tag,
       CASE
           -- Already an array (json_type fails on text that is not JSON: ask json_valid first).
           WHEN CASE WHEN json_valid(permissions) THEN json_type(permissions) = 'array' ELSE 0 END
               THEN json(permissions)
           -- `read`, `write`, `read,write`: each comma-separated word becomes an array element.
           WHEN json_valid('["' || replace(permissions, ',', '","') || '"]')
               THEN json('["' || replace(permissions, ',', '","') || '"]')
           ELSE json_quote(permissions)
       END,
       expires_at,
       CASE WHEN json_valid(allowed_ips) THEN allowed_ips ELSE json_quote(allowed_ips) END,
       created_by, created_at, last_used_at, last_used_ip, scopes
  FROM service_tokens;

DROP TABLE service_tokens;
ALTER TABLE service_tokens_v3 RENAME TO service_tokens;
CREATE INDEX service_tokens_project ON service_tokens(project_id);
CREATE INDEX service_tokens_expires_at ON service_tokens(expires_at) WHERE expires_at IS NOT NULL;
