-- How each charge is paid: see the PostgreSQL migration of the same name.
ALTER TABLE payments ADD COLUMN method TEXT CHECK (method IN ('card', 'mobile_money', 'bank_transfer'));

-- Pay on delivery: see the PostgreSQL migration of the same name.
ALTER TABLE orders ADD COLUMN pay_on_delivery INTEGER NOT NULL DEFAULT 0 CHECK (pay_on_delivery IN (0, 1));
