-- The admin console (issue 16): suspended shops, and the Cloudflare purge forwarder's report.
-- Vendors an admin suspended: see the PostgreSQL migration of the same name.
ALTER TABLE vendors ADD COLUMN suspended_at TEXT;
ALTER TABLE vendors ADD COLUMN suspension_reason TEXT;

-- What the Cloudflare purge forwarder last reported: see the PostgreSQL migration.
CREATE TABLE purge_forwarding (
    name              TEXT PRIMARY KEY,
    queued            INTEGER NOT NULL,
    next_call_in_secs REAL NOT NULL,
    reported_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
