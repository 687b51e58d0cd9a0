-- Password resets: see the PostgreSQL migration of the same name.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX password_resets_by_user ON password_resets (user_id);

ALTER TABLE users ADD COLUMN sessions_since INTEGER NOT NULL DEFAULT 0;
