-- The admin console (issue 16): suspended shops, and the Cloudflare purge forwarder's report.
-- Vendors an admin suspended: their products leave the catalog (listings, search, product
-- pages, carts, checkout) until they are reinstated. NULL `suspended_at` is a shop in good
-- standing; the reason is the admin's, shown to the vendor. Expand only.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

ALTER TABLE vendors ADD COLUMN IF NOT EXISTS suspended_at TIMESTAMPTZ;
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS suspension_reason TEXT;

-- What the Cloudflare purge forwarder last reported (it may run in another process than the
-- API): how many purges it holds and how long until Cloudflare's rate budget allows its next
-- call, from `reported_at`. One row per forwarder (its journal reader name).
CREATE TABLE IF NOT EXISTS purge_forwarding (
    name              TEXT PRIMARY KEY,
    queued            BIGINT NOT NULL,
    next_call_in_secs DOUBLE PRECISION NOT NULL,
    reported_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
