-- Event streaming (SQLite, the embedded default; the same tables as PostgreSQL): the outbox becomes the event store (a total order, the trace context of the
-- request that caused each change), and the consumers' own tables.
--
-- Every consumer records the ids it has processed in the same transaction as its effect, so a
-- redelivered event changes nothing twice. Read models rebuilt by `origin replay` are the
-- `order_history`, `vendor_sales` and `order_analytics` tables.

-- SQLite cannot add an autoincrementing column: `seq` is the row's rowid (which only grows,
-- as outbox rows are never deleted), set by a trigger.
ALTER TABLE outbox ADD COLUMN seq INTEGER;
UPDATE outbox SET seq = rowid;
CREATE TRIGGER outbox_sequence AFTER INSERT ON outbox BEGIN
    UPDATE outbox SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;
ALTER TABLE outbox ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
ALTER TABLE outbox ADD COLUMN client_ip TEXT;
ALTER TABLE outbox ADD COLUMN country TEXT;
CREATE UNIQUE INDEX outbox_seq ON outbox (seq);
CREATE INDEX outbox_unsent_seq ON outbox (seq) WHERE published_at IS NULL;

CREATE TABLE processed_events (
    consumer     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE dead_letters (
    id          TEXT PRIMARY KEY,
    consumer    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    envelope    TEXT NOT NULL,
    error       TEXT NOT NULL,
    deliveries  INTEGER NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    replayed_at TEXT,
    UNIQUE (consumer, event_id)
);

CREATE TABLE stock_levels (
    product_id INTEGER PRIMARY KEY,
    level      TEXT NOT NULL CHECK (level IN ('ok', 'low', 'out')),
    stock      INTEGER NOT NULL
);

CREATE TABLE order_analytics (
    minute     TEXT NOT NULL,
    currency   TEXT NOT NULL,
    country    TEXT NOT NULL,
    orders     INTEGER NOT NULL,
    gmv_minor  INTEGER NOT NULL,
    PRIMARY KEY (minute, currency, country)
);

CREATE TABLE fraud_observations (
    order_id     INTEGER PRIMARY KEY,
    shopper_id   INTEGER NOT NULL,
    client_ip    TEXT,
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    at           TEXT NOT NULL,
    score        INTEGER NOT NULL,
    reasons      TEXT NOT NULL,
    held         INTEGER NOT NULL
);
CREATE INDEX fraud_observations_shopper ON fraud_observations (shopper_id, at);
CREATE INDEX fraud_observations_ip ON fraud_observations (client_ip, at);

CREATE TABLE co_purchases (
    product_id INTEGER NOT NULL,
    with_id    INTEGER NOT NULL,
    times      INTEGER NOT NULL,
    PRIMARY KEY (product_id, with_id)
);

CREATE TABLE order_history (
    order_id    INTEGER PRIMARY KEY,
    shopper_id  INTEGER NOT NULL,
    state       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL
);

CREATE TABLE vendor_sales (
    vendor_id   INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    orders      INTEGER NOT NULL,
    gross_minor INTEGER NOT NULL,
    PRIMARY KEY (vendor_id, currency)
);

CREATE TABLE read_model_snapshots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    last_seq   INTEGER NOT NULL,
    state      TEXT NOT NULL,
    taken_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
