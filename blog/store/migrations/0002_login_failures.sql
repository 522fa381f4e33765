-- Failed logins, counted per account and per client address to slow down guessing.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures (scope, key, failed_at);
