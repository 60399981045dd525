-- The initial schema: songs and their append-only revision tree, sound-offs and votes,
-- per-server settings and the usage counters behind cooldowns and quotas.

CREATE TABLE guild_settings (
    guild_id           INTEGER PRIMARY KEY,
    cowrite_channel_id INTEGER,
    cooldown_seconds   INTEGER CHECK (cooldown_seconds >= 0),
    daily_quota        INTEGER CHECK (daily_quota >= 0),
    blind_default      INTEGER NOT NULL DEFAULT 1 CHECK (blind_default IN (0, 1)),
    poll_hours         INTEGER NOT NULL DEFAULT 24 CHECK (poll_hours BETWEEN 1 AND 336),
    message_revisions  INTEGER NOT NULL DEFAULT 0 CHECK (message_revisions IN (0, 1)),
    llm_model          TEXT,
    updated_at         REAL NOT NULL
);

CREATE TABLE songs (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    thread_id    INTEGER UNIQUE,
    owner_id     INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    theme        TEXT    NOT NULL DEFAULT '',
    brief_json   TEXT    NOT NULL DEFAULT '{}',
    deleted_at   REAL,
    deleted_by   INTEGER,
    created_at   REAL    NOT NULL
);
CREATE INDEX songs_by_guild_owner ON songs (guild_id, owner_id, id);

CREATE TABLE versions (
    id                INTEGER PRIMARY KEY,
    song_id           INTEGER NOT NULL REFERENCES songs (id),
    number            INTEGER NOT NULL CHECK (number >= 1),
    parent_number     INTEGER,
    kind              TEXT    NOT NULL CHECK (kind IN ('ai-draft', 'ai-variation', 'human-revision')),
    author_id         INTEGER,           -- NULL: the AI wrote it
    author_name       TEXT    NOT NULL,
    lyrics_json       TEXT,
    melody_json       TEXT,
    writer            TEXT,              -- model name or "offline writer" for AI versions
    seed              INTEGER,
    channel_id        INTEGER,
    message_id        INTEGER,           -- the bot's message that shows this version
    source_message_id INTEGER,           -- the member's message it came from, if any
    created_at        REAL    NOT NULL,
    UNIQUE (song_id, number),
    FOREIGN KEY (song_id, parent_number) REFERENCES versions (song_id, number),
    CHECK ((kind = 'human-revision') = (author_id IS NOT NULL)),
    CHECK (lyrics_json IS NOT NULL OR melody_json IS NOT NULL)
);
CREATE UNIQUE INDEX versions_by_source ON versions (song_id, source_message_id) WHERE source_message_id IS NOT NULL;

-- Nothing a member wrote is ever lost: versions are append-only; only the display message may be set later.
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are append-only');
END;
CREATE TRIGGER versions_immutable
BEFORE UPDATE OF song_id, number, parent_number, kind, author_id, lyrics_json, melody_json, created_at ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable');
END;

CREATE TABLE soundoffs (
    id                 INTEGER PRIMARY KEY,
    song_id            INTEGER NOT NULL REFERENCES songs (id),
    guild_id           INTEGER NOT NULL,
    channel_id         INTEGER NOT NULL,
    message_id         INTEGER,
    started_by         INTEGER NOT NULL,
    blind              INTEGER NOT NULL CHECK (blind IN (0, 1)),
    ends_at            REAL    NOT NULL,
    closed_at          REAL,
    closed_by          INTEGER,
    results_message_id INTEGER,
    created_at         REAL    NOT NULL
);
CREATE INDEX soundoffs_open ON soundoffs (ends_at) WHERE closed_at IS NULL;
CREATE INDEX soundoffs_by_song ON soundoffs (song_id, id);

CREATE TABLE soundoff_options (
    soundoff_id    INTEGER NOT NULL REFERENCES soundoffs (id),
    label          TEXT    NOT NULL,
    version_number INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (soundoff_id, label),
    UNIQUE (soundoff_id, version_number)
);

CREATE TABLE votes (
    soundoff_id INTEGER NOT NULL REFERENCES soundoffs (id),
    member_id   INTEGER NOT NULL,
    label       TEXT    NOT NULL,
    voted_at    REAL    NOT NULL,
    PRIMARY KEY (soundoff_id, member_id),
    FOREIGN KEY (soundoff_id, label) REFERENCES soundoff_options (soundoff_id, label)
);

-- One row per member per UTC day: the count feeds the server's daily quota, last_at the member's cooldown.
CREATE TABLE usage (
    guild_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    count     INTEGER NOT NULL,
    last_at   REAL    NOT NULL,
    PRIMARY KEY (guild_id, member_id, day)
);
CREATE INDEX usage_by_guild_day ON usage (guild_id, day);
