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
