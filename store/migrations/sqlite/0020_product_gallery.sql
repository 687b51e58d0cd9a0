-- A product's photos, in order: at most 8 (the code's limit, `MAX_PHOTOS_PER_PRODUCT`), the
-- one at position 0 its main photo (cards, og:image, JSON-LD, sitemaps). See the PostgreSQL
-- migration of the same number: a new table, today's single photo becomes position 0, and
-- `product_photos` is kept equal to each product's main photo for the release before this one.

CREATE TABLE IF NOT EXISTS product_gallery (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),
    hash       TEXT NOT NULL CHECK (length(hash) = 32 AND hash NOT GLOB '*[^0-9a-f]*'),
    format     TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    thumbhash  TEXT NOT NULL,
    -- Whether the preset variants are all stored: pending, ready, or failed (then they are
    -- made on first request).
    variants   TEXT NOT NULL DEFAULT 'pending' CHECK (variants IN ('pending', 'ready', 'failed')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (product_id, position),
    UNIQUE (product_id, hash)
);

INSERT OR IGNORE INTO product_gallery (product_id, position, hash, format, width, height, thumbhash, variants, created_at)
SELECT product_id, 0, hash, format, width, height, thumbhash, variants, created_at FROM product_photos;
