-- The card a charge was paid with: the payment provider's fingerprint of it (Paystack's
-- `authorization.signature`, the same for every charge on one card) and its last four digits.
-- Never a card number.
ALTER TABLE payments ADD COLUMN card_fingerprint TEXT;
ALTER TABLE payments ADD COLUMN card_last4 TEXT;

-- What the fraud check saw of each order paid by a known card, by the payment event's time:
-- velocity per card counts the accounts and orders one card paid for in a window.
CREATE TABLE fraud_card_payments (
    order_id         BIGINT PRIMARY KEY,
    shopper_id       BIGINT NOT NULL,
    card_fingerprint TEXT NOT NULL,
    at               TEXT NOT NULL
);
CREATE INDEX fraud_card_payments_card ON fraud_card_payments (card_fingerprint, at);
