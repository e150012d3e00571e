-- English and Hindi (0008_i18n.sql on SQLite). The language columns are community state and live
-- here; the pack's Hindi fields (content_translations) stay in each process's local SQLite file
-- with the rest of the pack.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
ALTER TABLE member_settings ADD COLUMN language TEXT;
