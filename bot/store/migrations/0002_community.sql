-- Community data: never touched by a content import.
CREATE TABLE guild_settings (
    guild_id              INTEGER PRIMARY KEY,
    timezone              TEXT,
    announce_channel_id   INTEGER,
    reminder_role_id      INTEGER,
    trivia_answer_seconds INTEGER NOT NULL DEFAULT 20 CHECK (trivia_answer_seconds BETWEEN 5 AND 120),
    updated_at            INTEGER NOT NULL
);

CREATE TABLE member_settings (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    timezone       TEXT,
    spoiler_season INTEGER CHECK (spoiler_season BETWEEN 0 AND 4),
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
