-- Trivia: games, rounds, answers, score aggregates, question usage, quick questions,
-- suggestions and reports. Community data: a content import never touches these tables.
-- Times are UTC Unix epoch *milliseconds* (answer speed needs sub-second precision).
-- Question ids reference trivia_questions (0001_content), whose rows are never deleted.

CREATE TABLE trivia_games (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    starter_id    INTEGER NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('buttons', 'typed')),
    settings      TEXT    NOT NULL DEFAULT '{}',          -- JSON (GameSettings.to_json)
    question_ids  TEXT    NOT NULL DEFAULT '[]',          -- JSON list, in asking order
    state         TEXT    NOT NULL DEFAULT 'running'
                  CHECK (state IN ('running', 'finished', 'stopped', 'abandoned')),
    end_reason    TEXT,                                   -- completed | idle | stopped | restarted
    current_round INTEGER NOT NULL DEFAULT 0,
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    stopped_by    INTEGER
);
-- One game per channel at a time, enforced by the database itself.
CREATE UNIQUE INDEX trivia_games_running_channel ON trivia_games (channel_id) WHERE state = 'running';
CREATE INDEX trivia_games_guild ON trivia_games (guild_id, started_at);

CREATE TABLE trivia_rounds (
    id          INTEGER PRIMARY KEY,
    game_id     INTEGER NOT NULL REFERENCES trivia_games (id),
    round_no    INTEGER NOT NULL CHECK (round_no >= 1),
    question_id TEXT    NOT NULL REFERENCES trivia_questions (id),
    message_id  INTEGER,
    posted_at   INTEGER NOT NULL,
    closed_at   INTEGER,                                  -- NULL: in flight, or dropped (stop/restart)
    UNIQUE (game_id, round_no),
    UNIQUE (game_id, question_id)                         -- never the same question twice in a game
);

CREATE TABLE trivia_answers (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES trivia_rounds (id),
    user_id     INTEGER NOT NULL,
    choice      INTEGER,                                  -- button index (button mode)
    text        TEXT,                                     -- the chosen label or the typed guess
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL DEFAULT 0,
    streak      INTEGER NOT NULL DEFAULT 0,               -- the player's streak after this answer
    answered_at INTEGER NOT NULL,
    UNIQUE (round_id, user_id)                            -- a double click can never count twice
);
CREATE INDEX trivia_answers_user ON trivia_answers (user_id);

CREATE TABLE trivia_game_players (
    game_id INTEGER NOT NULL REFERENCES trivia_games (id),
    user_id INTEGER NOT NULL,
    points  INTEGER NOT NULL DEFAULT 0,
    correct INTEGER NOT NULL DEFAULT 0,
    answers INTEGER NOT NULL DEFAULT 0,
    won     INTEGER NOT NULL DEFAULT 0 CHECK (won IN (0, 1)),
    PRIMARY KEY (game_id, user_id)
) WITHOUT ROWID;

-- Aggregates kept in step with trivia_answers inside the same transactions.
-- period: 'all', or 'YYYY-MM' (UTC month of the question's close / the game's end).
CREATE TABLE trivia_scores (
    guild_id    INTEGER NOT NULL,
    period      TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    points      INTEGER NOT NULL DEFAULT 0,
    answers     INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    games       INTEGER NOT NULL DEFAULT 0,
    wins        INTEGER NOT NULL DEFAULT 0,
    best_streak INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, period, user_id)
) WITHOUT ROWID;
CREATE INDEX trivia_scores_board ON trivia_scores (guild_id, period, points DESC);

CREATE TABLE trivia_question_usage (
    guild_id      INTEGER NOT NULL,
    question_id   TEXT    NOT NULL REFERENCES trivia_questions (id),
    last_asked_at INTEGER NOT NULL,
    times_asked   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, question_id)
) WITHOUT ROWID;

-- /trivia question: one ephemeral question, scored apart from games. The row is written when the
-- question is shown (so it is avoided next time even if unanswered) and answered at most once.
CREATE TABLE trivia_quick_questions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT    NOT NULL REFERENCES trivia_questions (id),
    asked_at    INTEGER NOT NULL,
    correct     INTEGER CHECK (correct IN (0, 1)),        -- NULL until answered
    points      INTEGER NOT NULL DEFAULT 0,
    answered_at INTEGER
);
CREATE INDEX trivia_quick_questions_member ON trivia_quick_questions (guild_id, user_id, asked_at);

CREATE TABLE trivia_suggestions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    aliases     TEXT    NOT NULL DEFAULT '[]',            -- JSON list
    wrong       TEXT    NOT NULL DEFAULT '[]',            -- JSON list
    season      INTEGER CHECK (season BETWEEN 1 AND 4),   -- NULL: the whole show
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewer_id INTEGER,
    reviewed_at INTEGER,
    question_id TEXT,                                     -- the trivia_questions row made on approval
    created_at  INTEGER NOT NULL
);
CREATE INDEX trivia_suggestions_queue ON trivia_suggestions (guild_id, status, created_at);

CREATE TABLE trivia_reports (
    question_id TEXT    NOT NULL REFERENCES trivia_questions (id),
    user_id     INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,                                  -- a moderator looked at it
    PRIMARY KEY (question_id, user_id)                    -- one report per member per question
) WITHOUT ROWID;
CREATE INDEX trivia_reports_open ON trivia_reports (guild_id, resolved_at, question_id);
