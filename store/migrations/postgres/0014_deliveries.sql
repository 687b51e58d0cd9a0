-- Deliveries: where an order goes (one address per order, written the way our shoppers give
-- directions: city, area, landmarks, and a phone number in international form) and how each
-- vendor's part travels (home delivery or a pickup point), for a fee in the order's currency
-- that is included in the part's `subtotal_minor` (so a cancelled part refunds it) and days.
-- Orders placed without a delivery (API clients, and orders before this migration) have no
-- row and NULL columns. Expand only: a new table and nullable columns.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE IF NOT EXISTS order_deliveries (
    order_id   BIGINT PRIMARY KEY REFERENCES orders (id),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 400),
    phone      TEXT NOT NULL CHECK (phone LIKE '+%'),
    country    TEXT NOT NULL CHECK (length(country) = 2),
    city       TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 400),
    area       TEXT NOT NULL CHECK (length(area) BETWEEN 1 AND 400),
    directions TEXT NOT NULL DEFAULT '' CHECK (length(directions) <= 1200)
);

ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS delivery_option TEXT CHECK (delivery_option IN ('home', 'pickup'));
ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS delivery_fee_minor BIGINT CHECK (delivery_fee_minor >= 0);
ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS delivery_days_min BIGINT CHECK (delivery_days_min >= 0);
ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS delivery_days_max BIGINT CHECK (delivery_days_max >= delivery_days_min);
