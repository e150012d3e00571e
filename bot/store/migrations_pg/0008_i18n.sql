-- English and Hindi (0008_i18n.sql on SQLite): the languages a server pins and a member last used.
-- The pack's Hindi fields (content_translations) are content: they stay in each process's local
-- SQLite file, where bot.store.translations reads them.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
ALTER TABLE member_settings ADD COLUMN language TEXT;
