-- The purge journal: what every edge must forget, one row per selector, numbered in commit
-- order (writers take an advisory transaction lock before inserting, so a reader that has
-- seen `seq` N has seen every purge committed before it). Edges read it after the highest
-- `seq` they know; the Cloudflare purge forwarder reads it the same way.

CREATE TABLE cache_purges (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('tag', 'url', 'prefix', 'everything')),
    value TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Where each reader of the journal has got to (the Cloudflare forwarder, by name).
CREATE TABLE cache_purge_readers (
    name TEXT PRIMARY KEY,
    seq BIGINT NOT NULL
);
