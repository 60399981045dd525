-- As ../0002_atomic_claims.sql has it for SQLite (ids BIGINT, times DOUBLE PRECISION).
-- Every check-and-count is one conditional upsert on one row, so it holds across processes (scale-out mode runs
-- several against one PostgreSQL) and not only under this process's writer lock:
--   the server's daily quota: usage_days, one row per server per UTC day (it was a sum over members' rows);
--   a member's cooldown: cooldowns, one row per member (it was the latest of their daily rows);
--   a song's next version number: songs.last_version (it was MAX(number) read before the insert).
-- The per-member daily rows of usage fold into these two and the table goes.

CREATE TABLE usage_days (
    guild_id BIGINT  NOT NULL,
    day      TEXT    NOT NULL,
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (guild_id, day)
);
INSERT INTO usage_days (guild_id, day, count) SELECT guild_id, day, SUM(count) FROM usage GROUP BY guild_id, day;

CREATE TABLE cooldowns (
    guild_id  BIGINT  NOT NULL,
    member_id BIGINT  NOT NULL,
    last_at   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
INSERT INTO cooldowns (guild_id, member_id, last_at)
    SELECT guild_id, member_id, MAX(last_at) FROM usage GROUP BY guild_id, member_id;

DROP TABLE usage;

ALTER TABLE songs ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
UPDATE songs SET last_version = (SELECT COALESCE(MAX(number), 0) FROM versions WHERE versions.song_id = songs.id);

-- A button under a version finds it by its message.
CREATE INDEX versions_by_message ON versions (message_id) WHERE message_id IS NOT NULL;
