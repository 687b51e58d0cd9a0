-- Accounts, carts, orders split per vendor, idempotency keys, payments and the outbox.
--
-- Stock is reserved by a conditional decrement of products.stock in the same transaction as
-- the order (the CHECK (stock >= 0) of 0001 is the last line of defence); every state change
-- writes its event to `outbox` in that same transaction.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('shopper', 'vendor', 'admin')),
    vendor_id     BIGINT REFERENCES vendors (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((role = 'vendor') = (vendor_id IS NOT NULL))
);

CREATE TABLE carts (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
    user_id    BIGINT NOT NULL REFERENCES carts (user_id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (user_id, product_id)
);

CREATE TABLE orders (
    id          BIGSERIAL PRIMARY KEY,
    shopper_id  BIGINT NOT NULL REFERENCES users (id),
    state       TEXT NOT NULL CHECK (state IN ('created', 'confirmed', 'shipped', 'delivered', 'cancelled')),
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    total_minor BIGINT NOT NULL CHECK (total_minor >= 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- An unpaid order holds its stock until then.
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX orders_by_shopper ON orders (shopper_id, id);
CREATE INDEX orders_unpaid_by_expiry ON orders (expires_at) WHERE state = 'created';

-- The part of an order one vendor sees and ships.
CREATE TABLE order_parts (
    id             BIGSERIAL PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    vendor_id      BIGINT NOT NULL REFERENCES vendors (id),
    state          TEXT NOT NULL CHECK (state IN ('created', 'confirmed', 'shipped', 'delivered', 'cancelled')),
    subtotal_minor BIGINT NOT NULL CHECK (subtotal_minor >= 0),
    UNIQUE (order_id, vendor_id)
);

CREATE INDEX order_parts_by_vendor ON order_parts (vendor_id, id);

CREATE TABLE order_items (
    order_id         BIGINT NOT NULL REFERENCES orders (id),
    part_id          BIGINT NOT NULL REFERENCES order_parts (id),
    product_id       BIGINT NOT NULL REFERENCES products (id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (order_id, product_id)
);

-- One row per (user, Idempotency-Key): claimed `in_flight`, then `completed` with the response
-- to replay. Rows older than 24 hours are treated as absent and replaced.
CREATE TABLE idempotency_keys (
    user_id         BIGINT NOT NULL REFERENCES users (id),
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
    response_status INTEGER,
    response_body   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

CREATE TABLE payments (
    id           BIGSERIAL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders (id),
    provider     TEXT NOT NULL,
    reference    TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL CHECK (state IN ('initiated', 'completed', 'failed', 'refunded')),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX payments_by_order ON payments (order_id);

CREATE TABLE outbox (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    type         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    payload      JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);

CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;
