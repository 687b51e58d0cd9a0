-- Sessions looked up per request (role, shop, active flag; cached in Redis or memory), and
-- accounts that sign in with Supabase Auth: the Supabase user id (`sub`, a UUID) links a
-- Supabase identity to one local user, found by it or, on first sight, by email.

ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE users ADD COLUMN supabase_subject TEXT;

CREATE UNIQUE INDEX users_by_supabase_subject ON users (supabase_subject) WHERE supabase_subject IS NOT NULL;
