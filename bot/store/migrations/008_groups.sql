-- Groups and channels the bot is in, with the chat's own language, and the one-time offer to
-- follow what a reader just looked at.

-- A group, supergroup or channel. `locale` is the chat's language: taken from whoever added
-- the bot or first spoke to it there, changed only by the chat's administrators.
-- `connected_by`: for a channel, the user who connected it (/channel add).
CREATE TABLE chats (
    chat_id      INTEGER PRIMARY KEY,
    type         TEXT NOT NULL CHECK (type IN ('group', 'supergroup', 'channel')),
    title        TEXT,
    locale       TEXT,
    connected_by INTEGER,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- A reader who was offered to follow something (once: the first /turnover or sector card).
CREATE TABLE follow_offers (
    user_id    INTEGER PRIMARY KEY,
    item       TEXT NOT NULL,  -- 'figures' or a sector id
    offered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
