-- Envkeep schema, version 5: teams (DESIGN §9). Users get an instance role (today's admin becomes
-- the owner), can be disabled, and remember their last login; project memberships and
-- invitations get tables; service tokens record their creator by user id.
--
-- Why a user id on tokens: `created_by` keeps the creator's e-mail as it was (the token JSON shows
-- it), but an e-mail can come back as a new person after removal and re-invitation; the id tells
-- "creator removed" apart from the new account. No foreign key: tokens outlive their creator.

ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE users ADD COLUMN last_login_at INTEGER;
UPDATE users SET role = 'owner';

-- `environments` NULL = every environment, including ones created later; else a JSON array of
-- slugs. Deleting a user or a project deletes its memberships.
CREATE TABLE memberships (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'developer', 'viewer')),
    environments TEXT CHECK (environments IS NULL OR json_valid(environments)),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, project_id)
) STRICT;
CREATE INDEX memberships_project ON memberships(project_id);

-- Only the SHA-256 of an invitation code is stored (the code is 128 random bits, shown once).
CREATE TABLE invites (
    id         TEXT PRIMARY KEY,
    code_hash  BLOB NOT NULL UNIQUE,
    email      TEXT NOT NULL COLLATE NOCASE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    invited_by TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
) STRICT;

ALTER TABLE service_tokens ADD COLUMN created_by_user_id TEXT;
UPDATE service_tokens
   SET created_by_user_id = (SELECT u.id FROM users u WHERE u.email = service_tokens.created_by);
