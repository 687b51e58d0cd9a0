-- Conversion per minute: of the orders placed in a minute (per currency and country), how many
-- were paid. A paid order is counted in the minute it was placed, found from its order.created
-- event in the outbox (the event store), whose subject this index looks up.
ALTER TABLE order_analytics ADD COLUMN paid BIGINT NOT NULL DEFAULT 0;
CREATE INDEX outbox_order_created ON outbox (subject) WHERE type = 'order.created';
