-- Where each vendor ships: see the PostgreSQL migration of the same name.
ALTER TABLE vendors ADD COLUMN ships_to TEXT NOT NULL DEFAULT 'country'
    CHECK (ships_to IN ('country', 'region', 'africa'));
