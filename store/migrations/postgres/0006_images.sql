-- Product photos: one current photo per product. The original (metadata stripped) is in the
-- object store under products/{product_id}/{hash}.{ext}; preset variants under
-- products/{product_id}/{hash}/{preset}.{ext}. A row is written only after its original is
-- stored, so no row points at a missing file.

CREATE TABLE product_photos (
    product_id BIGINT PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    hash TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{32}$'),
    format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    thumbhash TEXT NOT NULL,
    -- Whether the preset variants are all stored: pending, ready, or failed (then they are
    -- made on first request).
    variants TEXT NOT NULL DEFAULT 'pending' CHECK (variants IN ('pending', 'ready', 'failed')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
