-- How each charge is paid (Paystack's channels): card, mobile money or bank transfer. Charges
-- opened before this migration were card payments (NULL reads as 'card'). Expand only.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

ALTER TABLE payments ADD COLUMN IF NOT EXISTS method TEXT CHECK (method IN ('card', 'mobile_money', 'bank_transfer'));

-- Pay on delivery: the order is confirmed without a charge, the vendor's rider collects the
-- money at the door (nothing passes through the shop, so nothing is written in the ledger or
-- refunded), and a shipped part the shopper refuses at the door is cancelled and restocked.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS pay_on_delivery BOOLEAN NOT NULL DEFAULT false;
