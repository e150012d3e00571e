-- English and Hindi (#16). A server may pin the language of the bot's channel posts
-- (NULL: follow the server's own Discord locale); the content pack's Hindi fields live in their
-- own table, one row per entry, field and language, replaced as a whole at every pack import.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
-- The language of a member's Discord when they last asked for DMs (release reminders go to them in it).
ALTER TABLE member_settings ADD COLUMN language TEXT;

CREATE TABLE content_translations (
    kind   TEXT NOT NULL,   -- season | question | fact | character | arc
    ref    TEXT NOT NULL,   -- season number, question/fact/character id, or "character_id:season" for an arc
    field  TEXT NOT NULL,   -- recap, tagline, question, answer, aliases, wrong, text, description
    locale TEXT NOT NULL,   -- hi
    value  TEXT NOT NULL,   -- the text, or a JSON array for aliases and wrong
    PRIMARY KEY (kind, ref, field, locale)
);
