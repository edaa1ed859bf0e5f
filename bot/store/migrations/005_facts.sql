-- "Update" means Telegram's Update only: the published news item is a Fact.
-- Renames keep every row; foreign keys and the UNIQUE constraint follow the renamed columns.
ALTER TABLE updates RENAME TO facts;
ALTER TABLE update_texts RENAME TO fact_texts;
ALTER TABLE fact_texts RENAME COLUMN update_id TO fact_id;
ALTER TABLE deliveries RENAME COLUMN update_id TO fact_id;
DROP INDEX updates_sector;
CREATE INDEX facts_sector ON facts (sector_id, created_at);

-- Search kinds: 'figures' for the trade-figures card, 'fact' for a published fact (until now
-- a topic with an id prefix). The index is derived data: it is emptied here and rebuilt by the
-- next `run` or `data load` (an empty index makes the start-up load run whatever the files).
DROP TRIGGER search_docs_insert;
DROP TRIGGER search_docs_delete;
DROP TRIGGER search_docs_update;
DROP TABLE search_fts;
DROP TABLE search_docs;
DELETE FROM search_terms;

CREATE TABLE search_docs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('topic', 'sector', 'figures', 'source', 'fact')),
    item_id    TEXT NOT NULL,
    locale     TEXT NOT NULL,
    parent     TEXT,             -- a topic's or fact's sector, a figure's flow ("sector:it", "intent:turnover")
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
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0)');

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
