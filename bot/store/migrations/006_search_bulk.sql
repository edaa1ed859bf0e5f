-- The full-text index is kept by bot/store/search.py, not by triggers: a data load writes
-- every row first and then rebuilds search_fts in one pass ('rebuild'), some ten times faster
-- than a trigger per row, so the load's transaction holds the database for less time. Every
-- write to the index also bumps meta 'search_version', which each process's search engine
-- compares with its own before a question.
DROP TRIGGER search_docs_insert;
DROP TRIGGER search_docs_delete;
DROP TRIGGER search_docs_update;
