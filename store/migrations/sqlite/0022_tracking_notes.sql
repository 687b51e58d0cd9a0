-- What a vendor tells the shopper when shipping a part (see the PostgreSQL migration).
ALTER TABLE order_parts ADD COLUMN tracking_note TEXT;
