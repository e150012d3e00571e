-- Question of the day: one schedule per server, the questions it posted, the answers and the
-- members' daily streaks. Community data (a content import never touches it). Times are UTC
-- seconds since the epoch; days are the server's local calendar dates as 'YYYY-MM-DD'.

CREATE TABLE qotd_configs (
    guild_id    INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    post_time   TEXT    NOT NULL,                   -- 'HH:MM', wall clock in `timezone`
    timezone    TEXT    NOT NULL,                   -- IANA name
    seasons     TEXT    NOT NULL DEFAULT '[]',      -- JSON list of seasons; empty = every season
    difficulty  TEXT    CHECK (difficulty IN ('easy', 'medium', 'hard')),  -- NULL = any
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    revision    INTEGER NOT NULL DEFAULT 1,         -- bumped by each setup: timer keys carry it
    updated_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE qotd_posts (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    day           TEXT    NOT NULL,                 -- the server's local date the question is for
    kind          TEXT    NOT NULL CHECK (kind IN ('daily', 'extra')),  -- extra: a second /qotd now that day
    question_id   TEXT    NOT NULL REFERENCES trivia_questions (id),
    choices       TEXT    NOT NULL,                 -- JSON list of the button labels, in order
    correct_index INTEGER NOT NULL,
    hidden_season INTEGER,                          -- posted behind spoiler tags for this season
    message_id    INTEGER,                          -- NULL until Discord accepted the post
    posted_at     INTEGER NOT NULL,
    reveal_at     INTEGER NOT NULL,                 -- at the latest; the next day's post reveals it earlier
    revealed_at   INTEGER
);
-- One scheduled question per server and day, enforced by the database itself.
CREATE UNIQUE INDEX qotd_posts_daily ON qotd_posts (guild_id, day) WHERE kind = 'daily';
CREATE INDEX qotd_posts_guild ON qotd_posts (guild_id, posted_at);
CREATE INDEX qotd_posts_open ON qotd_posts (guild_id, revealed_at);

CREATE TABLE qotd_answers (
    post_id     INTEGER NOT NULL REFERENCES qotd_posts (id),
    user_id     INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)                  -- one answer per member, a double click counts once
);

CREATE TABLE qotd_streaks (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    current_days INTEGER NOT NULL DEFAULT 0,    -- the streak as of last_day
    best_days    INTEGER NOT NULL DEFAULT 0,
    last_day   TEXT,                                -- the last day that counted
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX qotd_streaks_board ON qotd_streaks (guild_id, current_days DESC);
