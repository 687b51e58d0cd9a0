-- An order the fraud check held stays held until an admin releases it; until then none of
-- its parts may ship.
ALTER TABLE fraud_observations ADD COLUMN released_at TEXT;
ALTER TABLE fraud_observations ADD COLUMN released_by BIGINT;
