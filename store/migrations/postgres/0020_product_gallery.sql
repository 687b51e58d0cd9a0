-- A product's photos, in order: at most 8 (the code's limit, `MAX_PHOTOS_PER_PRODUCT`), the
-- one at position 0 its main photo (cards, og:image, JSON-LD, sitemaps). Each original is in
-- the object store under products/{product_id}/{hash}.{ext}, its variants under
-- products/{product_id}/{hash}/; a row is written only after its original is stored, and a
-- removed photo's objects are deleted only after its row is gone. The same photo appears once
-- per product (its hash names its objects).
--
-- Expand only: a new table, and today's single photo of each product becomes its position 0.
-- `product_photos` stays, kept equal to each product's main photo by this release's code in
-- the same transaction, so the release before this one (which reads and writes only
-- `product_photos`) keeps working during a rollout and after a rollback; a later release
-- drops it.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

-- position (0 to 7) and the sides in pixels (bounded by LINKEDALL_MEDIA_MAX_SIDE) are INTEGER, as
-- in product_photos, so one row type reads both tables.
CREATE TABLE IF NOT EXISTS product_gallery (
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    -- squawk-ignore prefer-bigint-over-int
    position   INTEGER NOT NULL CHECK (position >= 0),
    hash       TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{32}$'),
    format     TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    -- squawk-ignore prefer-bigint-over-int
    width      INTEGER NOT NULL CHECK (width > 0),
    -- squawk-ignore prefer-bigint-over-int
    height     INTEGER NOT NULL CHECK (height > 0),
    thumbhash  TEXT NOT NULL,
    -- Whether the preset variants are all stored: pending, ready, or failed (then they are
    -- made on first request).
    variants   TEXT NOT NULL DEFAULT 'pending' CHECK (variants IN ('pending', 'ready', 'failed')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, position),
    UNIQUE (product_id, hash)
);

INSERT INTO product_gallery (product_id, position, hash, format, width, height, thumbhash, variants, created_at)
SELECT product_id, 0, hash, format, width, height, thumbhash, variants, created_at FROM product_photos
ON CONFLICT DO NOTHING;
