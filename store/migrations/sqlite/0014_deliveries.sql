-- Deliveries: see the PostgreSQL migration of the same name.
CREATE TABLE IF NOT EXISTS order_deliveries (
    order_id   INTEGER PRIMARY KEY REFERENCES orders (id),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 400),
    phone      TEXT NOT NULL CHECK (phone LIKE '+%'),
    country    TEXT NOT NULL CHECK (length(country) = 2),
    city       TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 400),
    area       TEXT NOT NULL CHECK (length(area) BETWEEN 1 AND 400),
    directions TEXT NOT NULL DEFAULT '' CHECK (length(directions) <= 1200)
);

ALTER TABLE order_parts ADD COLUMN delivery_option TEXT CHECK (delivery_option IN ('home', 'pickup'));
ALTER TABLE order_parts ADD COLUMN delivery_fee_minor INTEGER CHECK (delivery_fee_minor >= 0);
ALTER TABLE order_parts ADD COLUMN delivery_days_min INTEGER CHECK (delivery_days_min >= 0);
ALTER TABLE order_parts ADD COLUMN delivery_days_max INTEGER CHECK (delivery_days_max >= delivery_days_min);
