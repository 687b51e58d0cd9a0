-- What a vendor tells the shopper when shipping a part: the carrier and waybill, or how the
-- rider will call. Optional; at most 200 characters (checked by the store). Expand-only: a
-- new nullable column, read by new code, ignored by old.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS tracking_note TEXT;
