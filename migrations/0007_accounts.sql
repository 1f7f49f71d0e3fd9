-- Accounts (issue 16): sessions people can see and end, TOTP with recovery codes, password resets
-- without mail, and the server-side second step of a login with MFA.

-- A session's public id (shown and used to end it; the stored hash never is), where it came from.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
UPDATE sessions SET public_id = lower(hex(randomblob(16))) WHERE public_id IS NULL;
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);
CREATE INDEX sessions_user ON sessions(user_id);

-- One TOTP secret per user, sealed under the root key with the user id as associated data.
-- `confirmed_at` NULL: enrolment pending until `pending_expires_at`. `last_step` is the newest time
-- step accepted, so each code works once.
CREATE TABLE user_totp (
    user_id            TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sealed_secret      BLOB NOT NULL,
    created_at         INTEGER NOT NULL,
    confirmed_at       INTEGER,
    pending_expires_at INTEGER,
    last_step          INTEGER
) STRICT;

-- Recovery codes, as SHA-256 of their normalised form; `used_at` once spent.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- One-time password-reset links, by the SHA-256 of their code.
CREATE TABLE password_resets (
    code_hash  BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;
CREATE INDEX password_resets_user ON password_resets(user_id);

-- A login whose password was right and which waits for its TOTP or recovery code (the UI's second
-- step), by the SHA-256 of the step token; single use, five minutes.
CREATE TABLE login_steps (
    id_hash    BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_steps_expires_at ON login_steps(expires_at);
