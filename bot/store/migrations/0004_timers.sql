-- Durable timers (one dispatcher sleeps until the earliest pending row) and the watch-party /
-- release tables whose reminders they carry. Times are UTC seconds since the epoch.

CREATE TABLE timers (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT    NOT NULL UNIQUE,          -- e.g. party:<id>:<occurrence>:<offset>
    group_key   TEXT    NOT NULL,                 -- siblings delivered together on catch-up
    kind        TEXT    NOT NULL,                 -- selects the registered handler
    due_at      INTEGER NOT NULL,                 -- next run; pushed forward by retries
    payload     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,       -- handler calls so far (claims)
    revision    INTEGER NOT NULL DEFAULT 0,       -- bumped when a reschedule revives the row
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The dispatcher's only access path: next due pending rows in order (rowid breaks ties).
CREATE INDEX timers_state_due ON timers (state, due_at);
CREATE INDEX timers_group_state ON timers (group_key, state, due_at);

CREATE TABLE watch_parties (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    channel_id         INTEGER NOT NULL,
    creator_id         INTEGER NOT NULL,
    title              TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    starts_at          INTEGER NOT NULL,          -- current occurrence (UTC seconds)
    anchor_at          INTEGER NOT NULL,          -- first occurrence: weekly repeats keep its local weekday and time
    timezone           TEXT    NOT NULL,          -- IANA name the party was created in
    season             INTEGER CHECK (season >= 1),
    episode            INTEGER CHECK (episode >= 1),
    repeat_rule        TEXT    NOT NULL DEFAULT 'none' CHECK (repeat_rule IN ('none', 'weekly')),
    occurrence         INTEGER NOT NULL DEFAULT 0, -- 0 for the first, +1 per weekly repeat
    reminder_offsets   TEXT    NOT NULL DEFAULT '[86400,3600,600,0]' CHECK (json_valid(reminder_offsets)),
    message_id         INTEGER,
    scheduled_event_id INTEGER,
    state              TEXT    NOT NULL DEFAULT 'scheduled'
                       CHECK (state IN ('scheduled', 'cancelled', 'finished')),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE INDEX watch_parties_guild ON watch_parties (guild_id, state, starts_at);

CREATE TABLE party_rsvps (
    party_id   INTEGER NOT NULL REFERENCES watch_parties (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'cant')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (party_id, user_id)
);

CREATE TABLE releases (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    release_at  INTEGER NOT NULL,
    timezone    TEXT    NOT NULL,
    season      INTEGER CHECK (season >= 1),
    created_by  INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled', 'released')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX releases_guild ON releases (guild_id, state, release_at);

CREATE TABLE release_optins (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
