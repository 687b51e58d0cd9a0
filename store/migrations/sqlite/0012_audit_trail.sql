-- The audit trail: every admin action — purging the edge caches, releasing a held order,
-- replaying a dead letter, setting exchange rates … — with who acted (an admin account, or
-- the operators' token when `admin_id` is NULL), what they did (`action`: the request's
-- method and route, `target`: its path, `detail`: its body, shortened), when, from which
-- address, and how the shop answered (`status`). Written by the API after the action, read
-- by admins newest first.
CREATE TABLE admin_actions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_id   INTEGER REFERENCES users (id),
    actor      TEXT NOT NULL CHECK (actor IN ('admin_account', 'operators_token')),
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    status     INTEGER NOT NULL,
    client_ip  TEXT,
    at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX admin_actions_by_admin ON admin_actions (admin_id, id) WHERE admin_id IS NOT NULL;
