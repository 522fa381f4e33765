-- Live events on their way between the processes of one blog (serve --workers N).
CREATE TABLE live_events (
    id         INTEGER PRIMARY KEY,
    origin     TEXT NOT NULL,     -- the process that published it; it has delivered it already
    channel    TEXT NOT NULL CHECK (channel IN ('post', 'control')),
    post_id    INTEGER,
    message    TEXT NOT NULL,     -- encoded once, as readers receive it
    created_at REAL NOT NULL      -- seconds since the epoch; events are kept a minute
);
