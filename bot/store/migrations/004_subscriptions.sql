-- Subscriptions, published updates and the delivery outbox.

-- A chat that follows at least one sector. `active` goes to 0 when Telegram says the bot is
-- blocked or the chat is gone; the next /subscribe from that chat revives it.
CREATE TABLE subscribers (
    chat_id         INTEGER PRIMARY KEY,
    user_id         INTEGER,
    locale          TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    inactive_reason TEXT,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- sector_id '*' means every sector (also future ones).
CREATE TABLE subscriptions (
    chat_id    INTEGER NOT NULL REFERENCES subscribers (chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    sector_id  TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (chat_id, sector_id)
) STRICT;
CREATE INDEX subscriptions_sector ON subscriptions (sector_id);

-- A dated piece of news for one sector (or '*', all sectors), published by an admin.
CREATE TABLE updates (
    id                  INTEGER PRIMARY KEY,
    sector_id           TEXT NOT NULL,
    original_locale     TEXT NOT NULL,
    author_id           INTEGER,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    progress_chat_id    INTEGER,  -- where the admin watches the delivery progress
    progress_message_id INTEGER
) STRICT;
CREATE INDEX updates_sector ON updates (sector_id, created_at);

CREATE TABLE update_texts (
    update_id INTEGER NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
    locale    TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (update_id, locale)
) STRICT;

-- The outbox: one row per (update, recipient), written in the publishing transaction.
-- state: pending → sent | failed | blocked. A row is 'sent' only after Telegram confirmed.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    update_id       INTEGER NOT NULL REFERENCES updates (id),
    chat_id         INTEGER NOT NULL,
    locale          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'blocked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,  -- unix time
    last_error      TEXT,
    message_id      INTEGER,
    sent_at         TEXT,
    UNIQUE (update_id, chat_id)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at, id);
