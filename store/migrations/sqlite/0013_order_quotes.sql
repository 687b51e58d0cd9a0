-- One currency per order: see the PostgreSQL migration of the same name for the meaning of
-- each column. Nullable: rows written before it read as "not converted".
ALTER TABLE orders ADD COLUMN per_usd_micros INTEGER CHECK (per_usd_micros > 0);
ALTER TABLE order_parts ADD COLUMN vendor_currency TEXT CHECK (length(vendor_currency) = 3);
ALTER TABLE order_parts ADD COLUMN vendor_subtotal_minor INTEGER CHECK (vendor_subtotal_minor >= 0);
ALTER TABLE order_parts ADD COLUMN vendor_per_usd_micros INTEGER CHECK (vendor_per_usd_micros > 0);
ALTER TABLE order_items ADD COLUMN vendor_unit_price_minor INTEGER CHECK (vendor_unit_price_minor >= 0);
