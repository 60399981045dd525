"""Notes on versions and the consent rule for members' words reaching the LLM (issue 13), through the workshop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.songwriting.words.brief import Brief
from bot.workshop.actors import Actor
from bot.workshop.notes import MEMBER_WITHHOLDS, SERVER_WITHHOLDS
from bot.workshop.records import Song, Version
from bot.workshop.workshop import Workshop
from tests.openai_server import OpenAIServer, Reply

ANA = Actor(guild_id=1, user_id=10, name="Ana")
BEN = Actor(guild_id=1, user_id=11, name="Ben")
BRIEF = Brief(theme="rain on the night bus home", form="verse-chorus", rhyme_scheme="ABAB", syllables=8, seed=7)
NOTE = {"notes": [{"section": "Verse 1", "line": 1, "note": "The image is vague."}]}


@pytest.fixture
async def workshop(tmp_path: Path, render_pool: RenderPool, openai_server: OpenAIServer) -> AsyncIterator[Workshop]:
    """The workshop with the LLM configured (the local server), on a fresh database."""
    settings = Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
        _env_file=None,
        SOUNDOFF_DATABASE=str(tmp_path / "bot.db"),
        SOUNDOFF_COOLDOWN_SECONDS=0,
        OPENAI_BASE_URL=openai_server.base_url,
        OPENAI_MODEL="test-model",
        SOUNDOFF_LLM_TIMEOUT=2,
    )
    services = await Services.open(settings, pool=render_pool)
    yield Workshop(services)
    await services.close()


async def _human_version(workshop: Workshop, openai_server: OpenAIServer) -> tuple[Song, Version]:
    """A song whose v1 the offline writer drafted (the LLM is failing) and whose v2 Ben revised."""
    openai_server.script(*[Reply.failing(503)] * 3)
    draft = await workshop.drafts.lyrics(ANA, 2, BRIEF)
    assert draft.version.lyrics is not None
    text = draft.version.lyrics.to_body().replace("\n", "\nthe driver hums a song he knows\n", 1)
    revised = await workshop.revisions.submit(draft.song, BEN, text=text, upload=None, parent=draft.version)
    openai_server.requests.clear()
    return draft.song, revised.version


async def test_notes_stay_offline_unless_the_server_allows(workshop: Workshop, openai_server: OpenAIServer) -> None:
    """By default a member's lyrics never reach the LLM: the prosody check answers and says why."""
    song, version = await _human_version(workshop, openai_server)
    found = await workshop.notes.for_version(ANA, song, version)
    assert openai_server.requests == []
    assert found.notes[-1].startswith(SERVER_WITHHOLDS)


async def test_notes_use_the_llm_where_allowed(workshop: Workshop, openai_server: OpenAIServer) -> None:
    """With llm_member_text on, the model's line notes join the prosody check's."""
    song, version = await _human_version(workshop, openai_server)
    await workshop.settings.update(1, llm_member_text=True)
    openai_server.script(Reply.json(NOTE))
    found = await workshop.notes.for_version(ANA, song, version)
    assert len(openai_server.requests) == 1
    assert "Verse 1, line 1: The image is vague." in found.notes


async def test_an_opted_out_writer_keeps_the_lyrics_offline(workshop: Workshop, openai_server: OpenAIServer) -> None:
    """Where the server allows it, a writer of the version who opted out still keeps it away from the LLM."""
    song, version = await _human_version(workshop, openai_server)
    await workshop.settings.update(1, llm_member_text=True)
    await workshop.consent.opt_out(BEN.user_id, True)
    found = await workshop.notes.for_version(ANA, song, version)
    assert openai_server.requests == []
    assert found.notes[-1].startswith(MEMBER_WITHHOLDS)
    await workshop.consent.opt_out(BEN.user_id, False)
    assert not await workshop.consent.opted_out(BEN.user_id)


async def test_section_rewrites_of_members_lyrics_respect_consent(
    workshop: Workshop, openai_server: OpenAIServer
) -> None:
    """Regenerating a section of a member's version stays offline (and says so) unless the server allows it."""
    song, version = await _human_version(workshop, openai_server)
    delivery = await workshop.drafts.vary_section(song, version, 1)
    assert openai_server.requests == []
    assert delivery.version.writer == "offline writer"
    assert any(note.startswith(SERVER_WITHHOLDS) for note in delivery.notes)


async def test_ai_only_lyrics_need_no_consent(workshop: Workshop, openai_server: OpenAIServer) -> None:
    """A version only the AI wrote carries no member's words: its section rewrite may ask the LLM."""
    openai_server.script(*[Reply.failing(503)] * 3)
    draft = await workshop.drafts.lyrics(ANA, 2, BRIEF)
    openai_server.requests.clear()
    openai_server.script(*[Reply.failing(503)] * 3)
    await workshop.drafts.vary_section(draft.song, draft.version, 1)
    assert openai_server.requests
