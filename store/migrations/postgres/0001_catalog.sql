-- Catalog: vendors, categories and products.
-- Full-text search uses a stored tsvector (name weighted above description) with a GIN index;
-- listings page by (category_id, id) and (vendor_id, id) keysets, never OFFSET.

CREATE TABLE vendors (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    city        TEXT NOT NULL,
    country     TEXT NOT NULL CHECK (length(country) = 2),
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id          BIGSERIAL PRIMARY KEY,
    vendor_id   BIGINT NOT NULL REFERENCES vendors (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    description TEXT NOT NULL,
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    featured    BOOLEAN NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    search      TSVECTOR GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', name), 'A') ||
                    setweight(to_tsvector('english', description), 'B')
                ) STORED
);

CREATE INDEX products_by_category ON products (category_id, id);
CREATE INDEX products_by_vendor ON products (vendor_id, id);
CREATE INDEX products_featured ON products (id) WHERE featured;
CREATE INDEX products_search ON products USING GIN (search);
