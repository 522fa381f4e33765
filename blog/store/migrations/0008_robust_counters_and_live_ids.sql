-- Live events get ids that are never reused (AUTOINCREMENT): a process reads the events
-- after the last id it saw, so an id handed out again after pruning emptied the table
-- would be an event it never reads. The events are only a minute old at most: the table
-- is made anew.
DROP TABLE live_events;
CREATE TABLE live_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    origin     TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('post', 'control')),
    post_id    INTEGER,
    message    TEXT NOT NULL,
    created_at REAL NOT NULL
);
-- Failed logins become attempts counted against every rate limit: per account, per device
-- cookie and per client address for logins, per client address for registrations. Only the
-- last hour's rows matter, so the old table is not carried over.
DROP TABLE login_failures;
CREATE TABLE attempts (
    id    INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'device', 'address', 'registration')),
    key   TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX attempts_lookup ON attempts (scope, key, at);
