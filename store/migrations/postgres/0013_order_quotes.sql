-- One currency per order: a cart of several vendors, priced in their own currencies, is paid
-- in the shopper's currency at the exchange rates of the moment it was placed, locked for the
-- order's payment window (`orders.expires_at`).
--
--   orders.per_usd_micros             the charged currency's units per US dollar, in millionths,
--                                     when some part was converted (NULL: nothing converted)
--   order_parts.vendor_currency       the vendor's currency, what the vendor is paid in
--   order_parts.vendor_subtotal_minor the part in the vendor's currency (what the vendor is paid)
--   order_parts.vendor_per_usd_micros the vendor currency's rate used (NULL: not converted)
--   order_items.vendor_unit_price_minor  the catalog price in the vendor's currency; the
--                                     existing unit_price_minor is what the shopper paid
--
-- `subtotal_minor` and `unit_price_minor` stay in the order's (charged) currency: refunds and
-- the ledger use it. Rows written before this migration have NULL vendor columns, read as
-- "same as the charged amounts". Expand only: nullable columns, bounded waits for locks.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

ALTER TABLE orders ADD COLUMN IF NOT EXISTS per_usd_micros BIGINT CHECK (per_usd_micros > 0);
ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS vendor_currency TEXT CHECK (length(vendor_currency) = 3);
ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS vendor_subtotal_minor BIGINT CHECK (vendor_subtotal_minor >= 0);
ALTER TABLE order_parts ADD COLUMN IF NOT EXISTS vendor_per_usd_micros BIGINT CHECK (vendor_per_usd_micros > 0);
ALTER TABLE order_items ADD COLUMN IF NOT EXISTS vendor_unit_price_minor BIGINT CHECK (vendor_unit_price_minor >= 0);
