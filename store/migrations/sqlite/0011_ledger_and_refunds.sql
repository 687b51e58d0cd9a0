-- Money you can account for.
--
-- `ledger_entries`: every movement of money, written in the same transaction as the state
-- change that causes it (amounts in minor units, never negative; the kind says which way):
--   charge_captured       the provider took the shopper's money for an order
--   vendor_owed           a paid part's subtotal is owed to its vendor (on confirmation)
--   vendor_owed_reversed  a cancelled part's subtotal is no longer owed to its vendor
--   refund_due            money decided to go back to the shopper (a cancelled paid part, or
--                         a charge that completed for an order no longer awaiting it)
--   refund_requested      the provider accepted the refund request
--   refund_completed      the provider reported the refund processed
-- Money still held for an order = captured - due - owed + reversed.
CREATE TABLE ledger_entries (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders (id),
    kind              TEXT NOT NULL CHECK (kind IN ('charge_captured', 'vendor_owed', 'vendor_owed_reversed',
                                                     'refund_due', 'refund_requested', 'refund_completed')),
    vendor_id         INTEGER REFERENCES vendors (id),
    part_id           INTEGER REFERENCES order_parts (id),
    payment_reference TEXT,
    refund_id         BIGINT,
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    amount_minor      BIGINT NOT NULL CHECK (amount_minor >= 0),
    at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX ledger_entries_by_order ON ledger_entries (order_id, id);
CREATE INDEX ledger_entries_by_vendor ON ledger_entries (vendor_id, id) WHERE vendor_id IS NOT NULL;

-- Refunds owed to shoppers, from the moment they are decided until the provider took them:
-- `due` (not yet accepted by the provider; retried with backoff from `next_attempt_at`, unix
-- seconds), `requested` (accepted), `completed` (the provider's webhook said so), or `failed`
-- (refused `attempts` times: the admins' queue, GET /api/v1/admin/refunds/failed).
CREATE TABLE refunds (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders (id),
    payment_reference TEXT NOT NULL REFERENCES payments (reference),
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    amount_minor      BIGINT NOT NULL CHECK (amount_minor > 0),
    reason            TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('due', 'requested', 'completed', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX refunds_due ON refunds (next_attempt_at) WHERE state = 'due';
CREATE INDEX refunds_by_payment ON refunds (payment_reference, id);

-- The charge a second `pay` hands back while it is open, and at most one open per order.
ALTER TABLE payments ADD COLUMN authorization_url TEXT;
CREATE UNIQUE INDEX payments_one_open_per_order ON payments (order_id) WHERE state = 'initiated';

-- The charge that paid for an order: its cancelled parts are refunded from it.
ALTER TABLE orders ADD COLUMN paid_by TEXT;
