-- Conversations: private messages, blocks, and which notifications also come by email.
-- Live events may now be for a member as well as a post: the table holds only the last
-- minute's events, so it is made again rather than copied.
DROP TABLE live_events;
-- Live events on their way between the processes of one blog (serve --workers N).
-- AUTOINCREMENT: an id is never handed out twice, even after pruning empties the table,
-- because every process reads the events after the last id it saw.
CREATE TABLE live_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    origin     TEXT NOT NULL,     -- the process that published it; it has delivered it already
    channel    TEXT NOT NULL CHECK (channel IN ('post', 'member', 'control')),  -- the topic's kind
    post_id    INTEGER,           -- the topic's id: a post's, or a member's (channel 'member')
    message    TEXT NOT NULL,     -- encoded once, as readers receive it
    created_at REAL NOT NULL      -- seconds since the epoch; events are kept a minute
);

-- Private messages between two members. A message from someone its recipient blocked is
-- kept for its sender (so the block stays silent) but withheld from the recipient.
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: live clients resume after an id
    sender_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body         TEXT NOT NULL,                      -- Markdown as written
    body_html    TEXT NOT NULL,                      -- rendered and sanitized once
    withheld     INTEGER NOT NULL DEFAULT 0,         -- 1: the recipient had blocked the sender
    created_at   TEXT NOT NULL,
    read_at      TEXT                                -- when the recipient saw it ("seen")
);
CREATE INDEX messages_sent ON messages (sender_id, recipient_id, id);
CREATE INDEX messages_received ON messages (recipient_id, sender_id, id);
CREATE INDEX messages_unread ON messages (recipient_id) WHERE read_at IS NULL AND withheld = 0;
CREATE INDEX messages_rate ON messages (sender_id, created_at);

-- Who blocked whom: messages from a blocked member stop reaching the one who blocked them.
CREATE TABLE blocks (
    blocker_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

-- Which kinds of notification a member also wants by email (none unless they choose).
CREATE TABLE notification_mail (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
