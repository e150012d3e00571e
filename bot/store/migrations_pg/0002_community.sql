-- Community data (0002_community.sql on SQLite). Discord ids need 64 bits: BIGINT throughout.
CREATE TABLE guild_settings (
    guild_id              BIGINT PRIMARY KEY,
    timezone              TEXT,
    announce_channel_id   BIGINT,
    reminder_role_id      BIGINT,
    trivia_answer_seconds INTEGER NOT NULL DEFAULT 20 CHECK (trivia_answer_seconds BETWEEN 5 AND 120),
    updated_at            BIGINT NOT NULL
);

CREATE TABLE member_settings (
    guild_id       BIGINT NOT NULL,
    user_id        BIGINT NOT NULL,
    timezone       TEXT,
    spoiler_season INTEGER CHECK (spoiler_season BETWEEN 0 AND 4),
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
