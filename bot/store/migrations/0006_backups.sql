-- Backups made of this database (automatic ones and `python -m bot backup`), for /admin status
-- and so that an automatic backup repeated after a crash is recognised and not made twice.
CREATE TABLE backups (
    id         INTEGER PRIMARY KEY,
    made_at    INTEGER NOT NULL,                  -- UTC seconds
    path       TEXT    NOT NULL,
    size_bytes INTEGER NOT NULL,
    trigger    TEXT    NOT NULL CHECK (trigger IN ('timer', 'manual')),
    timer_key  TEXT    UNIQUE                     -- the timer that asked for it (automatic ones)
);

CREATE INDEX backups_made_at ON backups (made_at);
