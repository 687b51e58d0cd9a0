-- The purge journal: what every edge must forget, one row per selector, numbered in commit
-- order (SQLite has one writer). Edges read it after the highest `seq` they know; the
-- Cloudflare purge forwarder reads it the same way.

CREATE TABLE cache_purges (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('tag', 'url', 'prefix', 'everything')),
    value TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Where each reader of the journal has got to (the Cloudflare forwarder, by name).
CREATE TABLE cache_purge_readers (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
