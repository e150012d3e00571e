-- List pages (0007_list_pages.sql on SQLite). SQLite keeps these sizes and tallies in tables by
-- triggers; here they are views over the same rows (always exact, whoever writes), which
-- PostgreSQL computes from the indexes below when a list page is read.
CREATE VIEW trivia_board_sizes AS
    SELECT guild_id, period, COUNT(*) AS players FROM trivia_scores WHERE answers > 0 GROUP BY guild_id, period;

CREATE INDEX trivia_scores_page ON trivia_scores (guild_id, period, points DESC, correct DESC, user_id)
WHERE answers > 0;

CREATE VIEW trivia_queue_sizes AS
    SELECT guild_id, COUNT(*) AS pending FROM trivia_suggestions WHERE status = 'pending' GROUP BY guild_id;

CREATE VIEW trivia_report_tallies AS
    SELECT guild_id, question_id, COUNT(*) AS reports, MIN(created_at) AS first_at
    FROM trivia_reports WHERE resolved_at IS NULL GROUP BY guild_id, question_id;

CREATE INDEX trivia_reports_reasons ON trivia_reports (guild_id, question_id, resolved_at, reason);
