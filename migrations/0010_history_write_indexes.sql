-- Envkeep schema: two fewer indexes on `secret_versions`, so that each update, which inserts one
-- history row, changes two fewer B-trees (each one more page in every commit's WAL frames).
--
-- `secret_versions_place` served only point-in-time restore's "what was current at `at`": that
-- query now reads `secret_versions_superseded` (project, superseded_at) from `at` on, i.e. only the
-- versions replaced since `at`. `secret_versions_usage` served only the retention job's recount
-- of `projects.history_bytes`, which now runs one project per transaction through
-- `secret_versions_superseded`, reading the rows.

DROP INDEX IF EXISTS secret_versions_place;
DROP INDEX IF EXISTS secret_versions_usage;
