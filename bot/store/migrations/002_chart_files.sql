-- Charts already uploaded to Telegram: sending the file_id again costs no render and no upload.
-- data_version is the dataset's fingerprint, so new data never matches an old picture.

CREATE TABLE chart_files (
    chart        TEXT NOT NULL,  -- which picture, with the version of its drawing: "turnover-v1"
    locale       TEXT NOT NULL,
    data_version TEXT NOT NULL,
    file_id      TEXT NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (chart, locale, data_version)
) STRICT;
