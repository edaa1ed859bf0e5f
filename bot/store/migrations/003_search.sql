-- Free-text search: the concepts of data/concepts.toml and a full-text index over everything
-- the bot can show (topics, sectors, trade figures, sources), one row per item and locale.
-- Both are rebuilt with the dataset in the transaction that loads it; /publish adds rows
-- through SearchRepo.index_item.

CREATE TABLE concepts (
    id        TEXT PRIMARY KEY,
    position  INTEGER NOT NULL,
    target    TEXT,              -- intent:…, sector:…, topic:…, or stopword / neutral / figures
    by_to_kz  TEXT,
    kz_to_by  TEXT,
    direction TEXT CHECK (direction IN ('by_to_kz', 'kz_to_by')),
    exact     INTEGER NOT NULL CHECK (exact IN (0, 1))
) STRICT;

CREATE TABLE concept_terms (
    concept_id TEXT NOT NULL REFERENCES concepts (id) ON DELETE CASCADE,
    locale     TEXT NOT NULL,
    position   INTEGER NOT NULL,
    term       TEXT NOT NULL,
    PRIMARY KEY (concept_id, locale, position)
) STRICT;

-- One searchable item in one locale. title_keys and body_keys are the analysed text (stems
-- as matching keys, see bot/search/analysis.py): one group per word, alternatives joined by
-- "|", groups separated by spaces.
CREATE TABLE search_docs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('topic', 'sector', 'fact', 'source')),
    item_id    TEXT NOT NULL,
    locale     TEXT NOT NULL,
    parent     TEXT,             -- a topic's sector, a figure's flow ("sector:it", "intent:turnover")
    title      TEXT NOT NULL,    -- as shown on suggestion buttons, in this locale
    title_keys TEXT NOT NULL,
    body_keys  TEXT NOT NULL,
    UNIQUE (kind, item_id, locale)
) STRICT;

CREATE VIRTUAL TABLE search_fts USING fts5 (
    title_keys,
    body_keys,
    content = 'search_docs',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title_keys, body_keys) VALUES (new.id, new.title_keys, new.body_keys);
END;
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_keys, body_keys)
    VALUES ('delete', old.id, old.title_keys, old.body_keys);
END;
CREATE TRIGGER search_docs_update AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_keys, body_keys)
    VALUES ('delete', old.id, old.title_keys, old.body_keys);
    INSERT INTO search_fts (rowid, title_keys, body_keys) VALUES (new.id, new.title_keys, new.body_keys);
END;

-- Every indexed key: in how many rows, and from words in which alphabet. The vocabulary for
-- typo tolerance (a typo is corrected within the alphabet it was typed in).
CREATE TABLE search_terms (
    key     TEXT PRIMARY KEY,
    rows    INTEGER NOT NULL,
    scripts INTEGER NOT NULL CHECK (scripts BETWEEN 1 AND 3)  -- 1 Latin, 2 Cyrillic, 3 both
) STRICT, WITHOUT ROWID;

-- Words in a title weigh three times those in the body.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0)');
