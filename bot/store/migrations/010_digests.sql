-- Digests and quiet hours: how and when each chat (user, group or channel) wants its messages.

-- No row: instant delivery, no quiet hours, the time zone of the chat's language.
CREATE TABLE chat_settings (
    chat_id        INTEGER PRIMARY KEY,
    delivery       TEXT NOT NULL DEFAULT 'instant' CHECK (delivery IN ('instant', 'daily', 'weekly')),
    digest_hour    INTEGER NOT NULL DEFAULT 9 CHECK (digest_hour BETWEEN 0 AND 23),     -- local time
    digest_weekday INTEGER NOT NULL DEFAULT 0 CHECK (digest_weekday BETWEEN 0 AND 6), -- 0 = Monday
    time_zone      TEXT,     -- an IANA name; NULL: from the chat's language
    quiet_start    INTEGER CHECK (quiet_start BETWEEN 0 AND 23),  -- local hours; NULL: none
    quiet_end      INTEGER CHECK (quiet_end BETWEEN 0 AND 23),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- A row's next_attempt_at is its not-before time: the end of the reader's quiet hours or the
-- reader's next digest, set when the row is queued (and again when the reader changes the
-- settings). digest = 1: sent together with the chat's other digest rows due then, as one message.
ALTER TABLE deliveries ADD COLUMN digest INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1));
CREATE INDEX deliveries_chat ON deliveries (chat_id, state);
