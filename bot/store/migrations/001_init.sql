-- The dataset (replaced as a whole from data/ in one transaction) and the people using the bot.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE sources (
    id       TEXT PRIMARY KEY,
    outlet   TEXT NOT NULL,
    title    TEXT,
    date     TEXT,           -- YYYY, YYYY-MM or YYYY-MM-DD; NULL: the source gives none
    url      TEXT,
    language TEXT
) STRICT;

CREATE TABLE sectors (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    emoji    TEXT NOT NULL
) STRICT;

CREATE TABLE sector_texts (
    sector_id TEXT NOT NULL REFERENCES sectors (id) ON DELETE CASCADE,
    locale    TEXT NOT NULL,
    name      TEXT NOT NULL,
    summary   TEXT NOT NULL,
    PRIMARY KEY (sector_id, locale)
) STRICT;

CREATE TABLE trade_figures (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    month_start  INTEGER NOT NULL CHECK (month_start BETWEEN 1 AND 12),
    month_end    INTEGER NOT NULL CHECK (month_end BETWEEN month_start AND 12),
    reporter     TEXT CHECK (reporter IN ('BY', 'KZ')),
    flow         TEXT NOT NULL CHECK (flow IN ('turnover', 'export_by_to_kz', 'export_kz_to_by', 'balance')),
    value_usd    REAL,
    value_bound  TEXT NOT NULL,
    growth_pct   REAL,
    growth_bound TEXT NOT NULL,
    favours      TEXT CHECK (favours IN ('BY', 'KZ')),
    position     INTEGER NOT NULL
) STRICT;
CREATE INDEX trade_figures_period ON trade_figures (year, month_end, month_start);

CREATE TABLE trade_figure_notes (
    figure_id INTEGER NOT NULL REFERENCES trade_figures (id) ON DELETE CASCADE,
    locale    TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (figure_id, locale)
) STRICT;

CREATE TABLE trade_figure_sources (
    figure_id INTEGER NOT NULL REFERENCES trade_figures (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES sources (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (figure_id, source_id)
) STRICT;

CREATE TABLE topics (
    id        TEXT PRIMARY KEY,
    sector_id TEXT NOT NULL REFERENCES sectors (id),
    status    TEXT NOT NULL,
    date      TEXT,
    position  INTEGER NOT NULL
) STRICT;
CREATE INDEX topics_sector ON topics (sector_id, position);

CREATE TABLE topic_texts (
    topic_id TEXT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    locale   TEXT NOT NULL,
    title    TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (topic_id, locale)
) STRICT;

CREATE TABLE topic_sources (
    topic_id  TEXT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES sources (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (topic_id, source_id)
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,  -- Telegram user id
    locale        TEXT,                 -- chosen with /language; NULL: follow Telegram's language_code
    language_code TEXT,
    first_seen    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
