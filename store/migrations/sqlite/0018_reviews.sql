-- Reviews: see the PostgreSQL migration of the same name.
CREATE TABLE IF NOT EXISTS reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id  INTEGER NOT NULL REFERENCES products (id),
    author_id   INTEGER NOT NULL REFERENCES users (id),
    part_id     INTEGER NOT NULL REFERENCES order_parts (id),
    author_name TEXT NOT NULL CHECK (length(author_name) <= 40),
    stars       INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body        TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
    answer      TEXT CHECK (length(answer) BETWEEN 1 AND 1000),
    answered_at TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (author_id, product_id),
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);

CREATE INDEX IF NOT EXISTS reviews_by_product ON reviews (product_id, id);

ALTER TABLE products ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0);
ALTER TABLE products ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0 CHECK (rating_sum >= 0);
