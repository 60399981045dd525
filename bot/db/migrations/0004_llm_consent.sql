-- Consent for members' words reaching an LLM (issue 13). A server allows it in /settings
-- (llm_member_text, off until a Manage Server member turns it on); a member can opt out everywhere
-- (/settings me). Without both, section rewrites and notes on human versions stay offline.
ALTER TABLE guild_settings ADD COLUMN llm_member_text INTEGER NOT NULL DEFAULT 0 CHECK (llm_member_text IN (0, 1));

CREATE TABLE member_preferences (
    user_id     INTEGER PRIMARY KEY,
    llm_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (llm_opt_out IN (0, 1)),
    updated_at  REAL NOT NULL
);
