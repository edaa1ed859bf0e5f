-- Publishing that can be checked and undone; the FSM storage; what /stats adds.

-- Every fact an editor publishes names its source (alerts generated from data carry theirs in
-- the text). publish_key: the confirmation that published it, so a second tap finds it taken.
ALTER TABLE facts ADD COLUMN source_url TEXT;
ALTER TABLE facts ADD COLUMN publish_key TEXT;
ALTER TABLE facts ADD COLUMN edited_at TEXT;
ALTER TABLE facts ADD COLUMN withdrawn_at TEXT;
CREATE UNIQUE INDEX facts_publish_key ON facts (publish_key) WHERE publish_key IS NOT NULL;

-- The outbox's second half: an edit or a deletion of a message already delivered (a 'sent'
-- delivery row, whose message_id says which message). Drained by the delivery worker at the
-- same rate limit and with the same retries as the sends.
-- state: pending → done | failed | kept (a deletion Telegram no longer allows: over 48 hours).
CREATE TABLE delivery_changes (
    id              INTEGER PRIMARY KEY,
    delivery_id     INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    action          TEXT NOT NULL CHECK (action IN ('edit', 'delete')),
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'done', 'failed', 'kept')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,  -- unix time
    last_error      TEXT,
    generation      INTEGER NOT NULL DEFAULT 0,  -- bumped by each new edit: an older one can't finish it
    UNIQUE (delivery_id, action)
) STRICT;
CREATE INDEX delivery_changes_due ON delivery_changes (state, next_attempt_at, id);

-- aiogram's FSM (the guided /publish flow, an edit in progress), so a draft survives a restart.
-- key: bot:chat:user[:thread][:business][:destiny]; data: a JSON object.
CREATE TABLE fsm_state (
    key        TEXT PRIMARY KEY,
    state      TEXT,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at REAL NOT NULL  -- unix time: drafts untouched for a week are cleaned up
) STRICT;
CREATE INDEX fsm_state_updated ON fsm_state (updated_at);

-- Questions the bot was not sure about: the normalized text only, never who asked; counted per
-- day, kept 30 days.
CREATE TABLE unsure_questions (
    text  TEXT NOT NULL,
    day   TEXT NOT NULL,  -- YYYY-MM-DD, UTC
    count INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (text, day)
) STRICT;
CREATE INDEX unsure_questions_day ON unsure_questions (day);

-- Each data load and official-statistics fetch that stored something, and what it brought.
CREATE TABLE data_runs (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('load', 'fetch')),
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    brought  TEXT NOT NULL  -- a JSON object of counts: {"figures": 3, "topics": 12, …}
) STRICT;
