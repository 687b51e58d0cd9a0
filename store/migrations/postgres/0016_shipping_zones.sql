-- Where each vendor ships: their own country (the default, and what every shop opened before
-- this migration was assumed to do), their region of the continent, or all of Africa. Expand
-- only.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5min';

ALTER TABLE vendors ADD COLUMN IF NOT EXISTS ships_to TEXT NOT NULL DEFAULT 'country'
    CHECK (ships_to IN ('country', 'region', 'africa'));
