-- Envkeep schema, version 4: an index that counts a project's secrets and their sealed bytes.
--
-- Why: every secret write checks the storage limits (ENVKEEP_MAX_SECRETS_PER_PROJECT,
-- ENVKEEP_MAX_PROJECT_BYTES) in its transaction. With the sizes in the index, that check reads
-- only the project's index entries, never the ciphertexts or other projects' rows. The query in
-- `db::usage::in_project` spells the same expression, which is how SQLite matches it.

CREATE INDEX secrets_project_usage ON secrets (project_id, length(value_ct) + length(comment_ct));
