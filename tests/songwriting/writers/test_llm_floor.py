"""The quality floor through the writer: junk small models really sent never becomes a draft (issue 13)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.writers.llm import LLMFailure, LLMLyrics, LLMWriter
from bot.songwriting.writers.lyric_writer import OFFLINE, LyricWriter
from tests.openai_server import JUNK, OpenAIServer, Reply, openai_server  # noqa: F401  (the server fixture)

VERSE = Brief("night drive", form="verse", rhyme_scheme="AABB", syllables=6, seed=5)
SONG_BRIEF = Brief("night drive", form="verse-chorus", rhyme_scheme="AABB", syllables=6, seed=5)
LINES = ["We drive into the night", "The road is burning bright", "The radio is low", "And nowhere else to go"]
CHORUS = ["Oh take the long way home", "Wherever we may roam", "The engine hums along", "We sing a summer song"]
VERSE_2 = ["The city falls asleep", "The promises we keep", "The highway hums so low", "And still we have to go"]
FULL = {
    "title": "Night Drive",
    "sections": [
        {"label": "Verse 1", "lines": LINES},
        {"label": "Chorus", "lines": CHORUS},
        {"label": "Verse 2", "lines": VERSE_2},
        {"label": "Chorus", "lines": CHORUS},
    ],
}
SONG = Lyrics(
    "Night Drive",
    (Section("Verse 1", tuple(LINES)), Section("Chorus", tuple(CHORUS)), Section("Verse 2", tuple(VERSE_2))),
)


@pytest.fixture
async def llm(openai_server: OpenAIServer) -> AsyncIterator[LLMWriter]:  # noqa: F811
    writer = LLMWriter(api_key="k", base_url=openai_server.base_url, model="test-model", timeout=1, backoff=0.01)
    yield writer
    await writer.close()


@pytest.mark.parametrize("junk", ["letters", "prose_line", "odd_labels", "label_lines", "blank_song"])
async def test_junk_twice_falls_back_with_a_reason(llm: LLMWriter, openai_server: OpenAIServer, junk: str) -> None:  # noqa: F811
    """Lyrics "a"/"b", a 900-character line, empty or label-only sections: the offline writer, with a reason."""
    openai_server.script(Reply.json(JUNK[junk]), Reply.json(JUNK[junk]))
    draft = await LyricWriter(llm).draft(VERSE)
    assert draft.writer == OFFLINE
    assert draft.fallback, draft
    assert draft.notes[0].endswith("; the offline writer wrote this draft.")


async def test_the_reason_counts_the_sections(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """A song with two of the form's four sections is refused in those words."""
    half = {"title": "Night Drive", "sections": FULL["sections"][:2]}  # type: ignore[index]
    openai_server.script(Reply.json(half), Reply.json(half))
    assert await llm.draft(SONG_BRIEF) == LLMFailure("The model's draft had 2 of 4 sections")


async def test_blank_lines_never_become_a_section(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """``{"lines": [""]}`` for a new chorus is refused, twice, and the offline writer varies the section."""
    openai_server.script(Reply.json(JUNK["blank_lines"]), Reply.json(JUNK["blank_lines"]))
    brief = Brief("night drive", rhyme_scheme="AABB", syllables=6)
    draft = await LyricWriter(llm).vary_section(brief, SONG, 1)
    assert draft.writer == OFFLINE
    assert all(line.strip() for section in draft.lyrics.sections for line in section.lines)


async def test_label_lines_are_stripped_and_labels_come_from_the_form(
    llm: LLMWriter,
    openai_server: OpenAIServer,  # noqa: F811
) -> None:
    """ "Chorus:" lines vanish from the lyrics and a section labelled with an insult is named by the form."""
    labelled = json.loads(json.dumps(FULL))
    labelled["sections"][0]["label"] = "You absolute idiot"
    labelled["sections"][1]["label"] = "Chorus:"
    labelled["sections"][1]["lines"] = ["Chorus:", *CHORUS]
    labelled["sections"][3]["lines"] = ["[Chorus]", *CHORUS]
    openai_server.script(Reply.json(labelled))
    result = await llm.draft(SONG_BRIEF)
    assert isinstance(result, LLMLyrics), result
    assert [s.label for s in result.lyrics.sections] == ["Verse 1", "Chorus", "Verse 2", "Chorus"]
    assert all(":" not in line and "[" not in line for line in result.lyrics.lines)


async def test_a_title_copied_from_the_repair_prompt_is_replaced(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """The title comes from the song's words, not from the instructions the model echoed."""
    echoed = {**FULL, "title": "Your Song Does Not Yet Meet the Brief"}
    openai_server.script(Reply.json(echoed))
    result = await llm.draft(SONG_BRIEF)
    assert isinstance(result, LLMLyrics)
    assert result.lyrics.title == "Oh Take the Long Way Home"


async def test_a_full_song_beats_an_empty_one(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """A complete song with a dozen small misses beats a repair whose sections sing nothing."""
    nearly = json.loads(json.dumps(FULL))
    for section in nearly["sections"]:
        section["lines"] = [f"{line} tonight" for line in section["lines"]]  # two syllables over, every line
    openai_server.script(Reply.json(nearly), Reply.json(JUNK["blank_song"]))
    result = await llm.draft(SONG_BRIEF)
    assert isinstance(result, LLMLyrics), result
    assert len(result.lyrics.sections) == 4
    assert result.lyrics.lines[0] == "We drive into the night tonight"


async def test_the_repair_shows_the_model_its_reply_and_the_violations(
    llm: LLMWriter,
    openai_server: OpenAIServer,  # noqa: F811
) -> None:
    """The repair round carries the model's own reply and names each problem, with the floor rule first."""
    half = {"title": "Night Drive", "sections": FULL["sections"][:2]}  # type: ignore[index]
    openai_server.script(Reply.json(half), Reply.json(FULL))
    assert isinstance(await llm.draft(SONG_BRIEF), LLMLyrics)
    repair = openai_server.requests[1]
    assert repair.messages[-2] == {"role": "assistant", "content": json.dumps(half)}
    assert repair.data["problems"][0] == "the draft had 2 of 4 sections"


async def test_a_truncated_reply_gets_its_own_repair_message(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """A reply cut at max_tokens is shown back and called cut off, not malformed."""
    cut = json.dumps(FULL)[:120]
    openai_server.script(Reply.text(cut, finish_reason="length"), Reply.json(FULL))
    assert isinstance(await llm.draft(SONG_BRIEF), LLMLyrics)
    repair = openai_server.requests[1]
    assert repair.messages[-2]["content"] == cut
    assert "cut off" in repair.data["problems"][0]
    assert "cut off" in repair.user_text


async def test_good_drafts_still_pass(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """A full song on the brief is used as written, in one request."""
    openai_server.script(Reply.json(FULL))
    draft = await LyricWriter(llm).draft(SONG_BRIEF)
    assert draft.writer == "test-model"
    assert draft.fallback is None
    assert draft.lyrics.lines[:4] == LINES
    assert len(openai_server.requests) == 1
