-- On PostgreSQL the content pack stays in each process's local SQLite file (it is read-only pack
-- data, searched with FTS5). Only what the community shares lives here: the question bank (pack
-- questions plus approved community questions, which stats refer to) and the pack fingerprint that
-- tells every process which pack was imported last.

CREATE TABLE pack_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE trivia_questions (
    id             TEXT PRIMARY KEY,
    season         INTEGER NOT NULL DEFAULT 0 CHECK (season BETWEEN 0 AND 4),
    difficulty     TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    question       TEXT NOT NULL,
    answer         TEXT NOT NULL,
    aliases        TEXT NOT NULL DEFAULT '[]',
    wrong          TEXT NOT NULL DEFAULT '[]',
    source         TEXT,
    origin         TEXT NOT NULL DEFAULT 'pack' CHECK (origin IN ('pack', 'community')),
    retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    retired_reason TEXT
);
CREATE INDEX trivia_questions_pick ON trivia_questions (difficulty, season) WHERE retired = 0;
CREATE INDEX trivia_questions_season ON trivia_questions (season) WHERE retired = 0;
CREATE INDEX trivia_questions_origin ON trivia_questions (origin, retired);
