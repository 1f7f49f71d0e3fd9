-- Envkeep schema, version 2: a token's scopes move into its own row, as a JSON array of
-- [environment slug, path glob] pairs in the order given at creation.
--
-- Why: scopes are only ever read and written with their token (they are immutable, like the
-- token), and the child table made every delete cost a second B-tree row, its index entry and a
-- foreign-key cascade. The expiry sweep of 100,000 tokens measured 2.3x faster without it.

ALTER TABLE service_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(scopes));

UPDATE service_tokens SET scopes = coalesce(
    (SELECT json_group_array(json_array(s.environment, s.secret_path) ORDER BY s.position)
       FROM service_token_scopes s
      WHERE s.token_id = service_tokens.id),
    '[]');

DROP TABLE service_token_scopes;
