-- Official statistics from UN Comtrade (`data fetch`), kept apart from the data files' tables:
-- `data load` empties and refills those, and must leave these as they are.

-- One reporter's data for one year as UN Comtrade published it, on the day it was read.
CREATE TABLE official_sources (
    id        TEXT PRIMARY KEY,   -- comtrade-kz-2024
    outlet    TEXT NOT NULL,      -- UN Comtrade
    title     TEXT NOT NULL,      -- Kazakhstan's report
    reporter  TEXT NOT NULL CHECK (reporter IN ('BY', 'KZ')),
    year      INTEGER NOT NULL,
    retrieved TEXT NOT NULL,      -- YYYY-MM-DD: the last fetch that brought or changed a figure
    url       TEXT NOT NULL
) STRICT;

-- Totals per flow: a whole year (months 1..12) or one month (start = end).
-- mirror: measured as the reporter's imports (its view of the partner's exports);
-- computed: summed by us (turnover = exports + imports), not published as such.
CREATE TABLE official_figures (
    year        INTEGER NOT NULL,
    month_start INTEGER NOT NULL CHECK (month_start BETWEEN 1 AND 12),
    month_end   INTEGER NOT NULL CHECK (month_end BETWEEN month_start AND 12),
    reporter    TEXT NOT NULL CHECK (reporter IN ('BY', 'KZ')),
    flow        TEXT NOT NULL CHECK (flow IN ('turnover', 'export_by_to_kz', 'export_kz_to_by')),
    value_usd   REAL NOT NULL,
    mirror      INTEGER NOT NULL CHECK (mirror IN (0, 1)),
    computed    INTEGER NOT NULL CHECK (computed IN (0, 1)),
    source_id   TEXT NOT NULL REFERENCES official_sources (id),
    PRIMARY KEY (year, month_start, month_end, reporter, flow)
) STRICT;

-- One direction's trade in one HS chapter ('01'..'97', '99' for goods not specified by kind).
CREATE TABLE official_chapters (
    year        INTEGER NOT NULL,
    month_start INTEGER NOT NULL,
    month_end   INTEGER NOT NULL,
    reporter    TEXT NOT NULL CHECK (reporter IN ('BY', 'KZ')),
    flow        TEXT NOT NULL CHECK (flow IN ('export_by_to_kz', 'export_kz_to_by')),
    chapter     TEXT NOT NULL,
    value_usd   REAL NOT NULL,
    mirror      INTEGER NOT NULL CHECK (mirror IN (0, 1)),
    source_id   TEXT NOT NULL REFERENCES official_sources (id),
    PRIMARY KEY (year, month_start, month_end, reporter, flow, chapter)
) STRICT;

-- A value a later fetch replaced: what it was, what it became, when.
CREATE TABLE official_revisions (
    id         INTEGER PRIMARY KEY,
    period     TEXT NOT NULL,     -- a Period key: 2024, 2025-03..03
    reporter   TEXT NOT NULL,
    flow       TEXT NOT NULL,
    chapter    TEXT,              -- NULL: the flow's total
    old_value  REAL NOT NULL,
    new_value  REAL NOT NULL,
    source_id  TEXT NOT NULL,
    revised_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- HS chapter names per language (from data/hs_chapters.toml, written by every fetch).
CREATE TABLE hs_chapter_names (
    chapter TEXT NOT NULL,
    locale  TEXT NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (chapter, locale)
) STRICT;

-- Every source the bot can cite: the data files' and UN Comtrade's.
CREATE VIEW all_sources AS
    SELECT id, outlet, title, date, url, language, NULL AS reporter FROM sources
    UNION ALL
    SELECT id, outlet, title, retrieved, url, 'en', reporter FROM official_sources;

-- What readers were told of, so that a load or fetch alerts only on what is new:
-- kind 'figure': key = period|reporter|flow|sources, value = value|growth;
-- kind 'topic': key = topic id, value = ''.
CREATE TABLE announced (
    kind  TEXT NOT NULL CHECK (kind IN ('figure', 'topic')),
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT;

-- Alerts generated from new data are facts too, delivered through the same outbox, but sent
-- exactly as rendered when they were queued (text per language and their buttons).
ALTER TABLE facts ADD COLUMN kind TEXT NOT NULL DEFAULT 'news' CHECK (kind IN ('news', 'alert'));

CREATE TABLE fact_buttons (
    fact_id       INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    locale        TEXT NOT NULL,
    position      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    callback_data TEXT NOT NULL,
    PRIMARY KEY (fact_id, locale, position)
) STRICT;
