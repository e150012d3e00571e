-- List commands read one page, whatever is stored: the sizes and tallies they show ("page 1 of 40",
-- "1 of 12 pending", most-reported questions first) are kept here by triggers, in the same
-- transaction as every write to the tables they summarise (whoever writes), and each page is read
-- from an index in the list's own order.

-- /trivia leaderboard: players on each board (rows with at least one answer).
CREATE TABLE trivia_board_sizes (
    guild_id INTEGER NOT NULL,
    period   TEXT    NOT NULL,
    players  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, period)
);
INSERT INTO trivia_board_sizes (guild_id, period, players)
SELECT guild_id, period, COUNT(*) FROM trivia_scores WHERE answers > 0 GROUP BY guild_id, period;

CREATE TRIGGER trivia_board_sizes_insert AFTER INSERT ON trivia_scores WHEN NEW.answers > 0
BEGIN
    INSERT INTO trivia_board_sizes (guild_id, period, players) VALUES (NEW.guild_id, NEW.period, 1)
    ON CONFLICT (guild_id, period) DO UPDATE SET players = players + 1;
END;

CREATE TRIGGER trivia_board_sizes_update AFTER UPDATE OF guild_id, period, answers ON trivia_scores
WHEN (OLD.answers > 0) != (NEW.answers > 0) OR OLD.guild_id != NEW.guild_id OR OLD.period != NEW.period
BEGIN
    UPDATE trivia_board_sizes SET players = players - 1
    WHERE OLD.answers > 0 AND guild_id = OLD.guild_id AND period = OLD.period;
    INSERT INTO trivia_board_sizes (guild_id, period, players) SELECT NEW.guild_id, NEW.period, 1 WHERE NEW.answers > 0
    ON CONFLICT (guild_id, period) DO UPDATE SET players = players + 1;
END;

CREATE TRIGGER trivia_board_sizes_delete AFTER DELETE ON trivia_scores WHEN OLD.answers > 0
BEGIN
    UPDATE trivia_board_sizes SET players = players - 1 WHERE guild_id = OLD.guild_id AND period = OLD.period;
END;

-- The board in its display order, so a page is a range of this index (no sort of the whole board).
CREATE INDEX trivia_scores_page ON trivia_scores (guild_id, period, points DESC, correct DESC, user_id)
WHERE answers > 0;

-- /trivia review: suggestions waiting, per guild.
CREATE TABLE trivia_queue_sizes (
    guild_id INTEGER PRIMARY KEY,
    pending  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO trivia_queue_sizes (guild_id, pending)
SELECT guild_id, COUNT(*) FROM trivia_suggestions WHERE status = 'pending' GROUP BY guild_id;

CREATE TRIGGER trivia_queue_sizes_insert AFTER INSERT ON trivia_suggestions WHEN NEW.status = 'pending'
BEGIN
    INSERT INTO trivia_queue_sizes (guild_id, pending) VALUES (NEW.guild_id, 1)
    ON CONFLICT (guild_id) DO UPDATE SET pending = pending + 1;
END;

CREATE TRIGGER trivia_queue_sizes_update AFTER UPDATE OF guild_id, status ON trivia_suggestions
WHEN (OLD.status = 'pending') != (NEW.status = 'pending') OR OLD.guild_id != NEW.guild_id
BEGIN
    UPDATE trivia_queue_sizes SET pending = pending - 1 WHERE OLD.status = 'pending' AND guild_id = OLD.guild_id;
    INSERT INTO trivia_queue_sizes (guild_id, pending) SELECT NEW.guild_id, 1 WHERE NEW.status = 'pending'
    ON CONFLICT (guild_id) DO UPDATE SET pending = pending + 1;
END;

CREATE TRIGGER trivia_queue_sizes_delete AFTER DELETE ON trivia_suggestions WHEN OLD.status = 'pending'
BEGIN
    UPDATE trivia_queue_sizes SET pending = pending - 1 WHERE guild_id = OLD.guild_id;
END;

-- /trivia review: open reports per question and guild, most reported first.
CREATE TABLE trivia_report_tallies (
    guild_id    INTEGER NOT NULL,
    question_id TEXT    NOT NULL,
    reports     INTEGER NOT NULL,
    first_at    INTEGER NOT NULL,                         -- the oldest open report's created_at
    PRIMARY KEY (guild_id, question_id)
);
CREATE INDEX trivia_report_tallies_page ON trivia_report_tallies (guild_id, reports DESC, first_at, question_id);
INSERT INTO trivia_report_tallies (guild_id, question_id, reports, first_at)
SELECT guild_id, question_id, COUNT(*), MIN(created_at) FROM trivia_reports WHERE resolved_at IS NULL
GROUP BY guild_id, question_id;

CREATE TRIGGER trivia_report_tallies_insert AFTER INSERT ON trivia_reports WHEN NEW.resolved_at IS NULL
BEGIN
    INSERT INTO trivia_report_tallies (guild_id, question_id, reports, first_at)
    VALUES (NEW.guild_id, NEW.question_id, 1, NEW.created_at)
    ON CONFLICT (guild_id, question_id) DO UPDATE SET reports = reports + 1, first_at = MIN(first_at, excluded.first_at);
END;

-- A report resolved (the usual change): one fewer; the oldest is looked up again only if it went.
CREATE TRIGGER trivia_report_tallies_resolve AFTER UPDATE OF resolved_at ON trivia_reports
WHEN OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL AND OLD.guild_id = NEW.guild_id
     AND OLD.question_id = NEW.question_id AND OLD.created_at = NEW.created_at
BEGIN
    UPDATE trivia_report_tallies SET reports = reports - 1
    WHERE guild_id = OLD.guild_id AND question_id = OLD.question_id;
    DELETE FROM trivia_report_tallies WHERE guild_id = OLD.guild_id AND question_id = OLD.question_id AND reports <= 0;
    UPDATE trivia_report_tallies SET first_at = (
        SELECT MIN(created_at) FROM trivia_reports
        WHERE guild_id = OLD.guild_id AND resolved_at IS NULL AND question_id = OLD.question_id
    )
    WHERE guild_id = OLD.guild_id AND question_id = OLD.question_id AND first_at = OLD.created_at;
END;

-- Any other change to a report (reopened, moved, re-dated): recount the questions it touches.
CREATE TRIGGER trivia_report_tallies_update AFTER UPDATE OF guild_id, question_id, resolved_at, created_at
ON trivia_reports
WHEN NOT (OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL AND OLD.guild_id = NEW.guild_id
          AND OLD.question_id = NEW.question_id AND OLD.created_at = NEW.created_at)
     AND (OLD.resolved_at IS NULL OR NEW.resolved_at IS NULL)
BEGIN
    DELETE FROM trivia_report_tallies
    WHERE (guild_id = OLD.guild_id AND question_id = OLD.question_id)
       OR (guild_id = NEW.guild_id AND question_id = NEW.question_id);
    INSERT INTO trivia_report_tallies (guild_id, question_id, reports, first_at)
    SELECT guild_id, question_id, COUNT(*), MIN(created_at) FROM trivia_reports
    WHERE resolved_at IS NULL AND ((guild_id = OLD.guild_id AND question_id = OLD.question_id)
                                   OR (guild_id = NEW.guild_id AND question_id = NEW.question_id))
    GROUP BY guild_id, question_id;
END;

CREATE TRIGGER trivia_report_tallies_delete AFTER DELETE ON trivia_reports WHEN OLD.resolved_at IS NULL
BEGIN
    DELETE FROM trivia_report_tallies WHERE guild_id = OLD.guild_id AND question_id = OLD.question_id;
    INSERT INTO trivia_report_tallies (guild_id, question_id, reports, first_at)
    SELECT guild_id, question_id, COUNT(*), MIN(created_at) FROM trivia_reports
    WHERE resolved_at IS NULL AND guild_id = OLD.guild_id AND question_id = OLD.question_id
    GROUP BY guild_id, question_id;
END;

-- The reasons shown with a reported question: a range of this index covers the reports that gave
-- one (`reason > ''`; the 🚩 button gives none), however many reports the question has.
CREATE INDEX trivia_reports_reasons ON trivia_reports (guild_id, question_id, resolved_at, reason);
