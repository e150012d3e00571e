-- Placeholder: the content tables are written in this file by the content-pack work.
CREATE TABLE IF NOT EXISTS pack_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
