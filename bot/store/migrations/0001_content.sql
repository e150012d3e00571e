-- Content tables, filled only by `bot.store.content.import_pack` from data/content/.
-- Re-importing upserts rows and removes those gone from the pack, except trivia questions, which
-- are never deleted (stats refer to their ids): a pack question that disappears is retired.
-- Lists are JSON arrays in TEXT columns; dates are ISO 8601 text.

CREATE TABLE IF NOT EXISTS pack_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE show_info (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    title       TEXT NOT NULL,
    studio      TEXT NOT NULL,
    platforms   TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    language    TEXT NOT NULL,
    premise     TEXT NOT NULL,
    description TEXT NOT NULL,
    producers   TEXT NOT NULL,
    sources     TEXT NOT NULL
);

CREATE TABLE seasons (
    number         INTEGER PRIMARY KEY CHECK (number BETWEEN 1 AND 4),
    year           INTEGER NOT NULL,
    platform       TEXT NOT NULL,
    release_date   TEXT NOT NULL,
    episode_count  INTEGER NOT NULL CHECK (episode_count >= 1),
    runtime        TEXT NOT NULL,
    tagline        TEXT NOT NULL,
    settings       TEXT NOT NULL,
    directors      TEXT NOT NULL,
    directors_note TEXT,
    writers        TEXT NOT NULL,
    writers_note   TEXT,
    recap          TEXT NOT NULL,
    sources        TEXT NOT NULL
);

CREATE TABLE episodes (
    season  INTEGER NOT NULL REFERENCES seasons (number) ON DELETE CASCADE,
    number  INTEGER NOT NULL CHECK (number >= 1),
    title   TEXT,
    summary TEXT,
    source  TEXT,
    PRIMARY KEY (season, number)
) WITHOUT ROWID;

CREATE TABLE people (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    aliases TEXT NOT NULL,
    roles   TEXT NOT NULL,
    facts   TEXT NOT NULL,
    sources TEXT NOT NULL
);
CREATE INDEX people_name ON people (name COLLATE NOCASE);

CREATE TABLE characters (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    aliases     TEXT NOT NULL,
    played_by   TEXT REFERENCES people (id),
    description TEXT NOT NULL,
    note        TEXT,
    sources     TEXT NOT NULL
);
CREATE INDEX characters_name ON characters (name COLLATE NOCASE);
CREATE INDEX characters_played_by ON characters (played_by);

CREATE TABLE character_seasons (
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    season       INTEGER NOT NULL CHECK (season BETWEEN 1 AND 4),
    PRIMARY KEY (character_id, season)
) WITHOUT ROWID;
CREATE INDEX character_seasons_season ON character_seasons (season, character_id);

CREATE TABLE character_arcs (
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    season       INTEGER NOT NULL CHECK (season BETWEEN 1 AND 4),
    text         TEXT NOT NULL,
    PRIMARY KEY (character_id, position)
) WITHOUT ROWID;

-- Every name and alias of a person or character, normalised (casefolded, single spaces), for
-- exact and prefix lookups from /cast and its autocomplete.
CREATE TABLE cast_names (
    name_key TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('person', 'character')),
    ref      TEXT NOT NULL,
    label    TEXT NOT NULL,
    is_alias INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (name_key, kind, ref)
) WITHOUT ROWID;

CREATE TABLE facts (
    id      TEXT PRIMARY KEY,
    topic   TEXT NOT NULL,
    season  INTEGER CHECK (season BETWEEN 1 AND 4),
    episode INTEGER,
    text    TEXT NOT NULL,
    source  TEXT NOT NULL
);
CREATE INDEX facts_topic ON facts (topic);
CREATE INDEX facts_season ON facts (season);

-- Official dates from the pack; moderators' own announcements are community data elsewhere.
CREATE TABLE pack_releases (
    id       TEXT PRIMARY KEY,
    season   INTEGER NOT NULL DEFAULT 0 CHECK (season BETWEEN 0 AND 4),
    title    TEXT NOT NULL,
    date     TEXT NOT NULL,
    platform TEXT,
    note     TEXT,
    source   TEXT NOT NULL
);
CREATE INDEX pack_releases_date ON pack_releases (date);
CREATE INDEX pack_releases_season ON pack_releases (season);

-- Pack questions (origin 'pack') and approved community questions (origin 'community').
-- season 0 = the whole show. aliases and wrong are JSON arrays of strings.
-- retired_reason: 'removed-from-pack' when the import retired it (a later import that finds the
-- id in the pack again restores it); any other reason (e.g. a moderator's) survives re-imports.
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

-- Ranked full-text search over recaps, episodes, facts, people and characters.
-- kind: show | season | episode | fact | person | character; ref: the row's id (or season number,
-- or "season:episode"); season: 0 when not tied to one season.
CREATE VIRTUAL TABLE content_search USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    season UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
