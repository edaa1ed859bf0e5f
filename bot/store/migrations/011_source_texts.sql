-- A source's outlet in each language ("Kazinform" / "Казинформ", "Reuters (via nasdaq.com)" /
-- "Reuters (через nasdaq.com)") and, where the headline is not known, what the article reports,
-- so two articles of one outlet can be told apart. sources.outlet keeps the name in English.
CREATE TABLE source_texts (
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    locale    TEXT NOT NULL,
    outlet    TEXT NOT NULL,
    about     TEXT,
    PRIMARY KEY (source_id, locale)
) STRICT;
