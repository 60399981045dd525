"""Members' LLM opt-out and the server's consent setting, on each backend (migration 0004)."""

from __future__ import annotations

from bot.db.connection import Database
from bot.db.guild_settings import GuildSettingsRepository
from bot.db.members import MemberPreferencesRepository


async def test_opt_out_is_recorded_and_changed(db: Database) -> None:
    """A member's choice is stored once, changed in place, and read back for any set of members."""
    members = MemberPreferencesRepository(db)
    assert await members.opted_out([1, 2]) == set()
    await members.set_opt_out(1, True)
    await members.set_opt_out(2, True)
    await members.set_opt_out(2, False)
    assert await members.opted_out([1, 2, 3]) == {1}
    assert await members.opted_out([]) == set()


async def test_servers_keep_members_words_offline_by_default(db: Database) -> None:
    """llm_member_text is off until a Manage Server member turns it on."""
    settings = GuildSettingsRepository(db)
    assert not (await settings.get(5)).llm_member_text
    assert (await settings.update(5, llm_member_text=True)).llm_member_text
