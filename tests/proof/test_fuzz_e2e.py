"""Fuzzing through the wire: odd option values, modal text and thread replies reach the real bot via the stand-in.

Every example must end in an answer the member sees, with no unhandled error logged, nobody pinged and no
request Discord would refuse (the stand-in enforces Discord's limits). One bot serves all examples of a test.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import SoundOffBot
from bot.songwriting.words.brief import FORMS
from tests.cogs.conftest import wait_for
from tests.proof.conftest import Launch, assert_clean_wire, mark, new_song, quiet
from tests.proof.strategies import fuzz, line, lyric_text
from tests.standin import Channel, InteractionHandle, LogGuard, StandIn, StoredMessage
from tests.standin.polling import eventually

RHYMES = ("ABAB", "AABB", "XAXA", "ABCB", "AAAA")
option_text = st.one_of(line, st.text(max_size=40)).map(lambda text: text[:40])


def bounded(text: str, low: int, high: int, filler: str = "x") -> str:
    """Text cut or padded into a string option's length range, as Discord's client enforces it."""
    return (text + filler * low)[: max(low, min(high, len(text)))]


async def settled(
    handle: InteractionHandle, done: Callable[[StoredMessage], object] = lambda m: True, within: float = 20.0
) -> StoredMessage:
    """What the member finally sees: an immediate answer, a follow-up (errors after a deferral), or the
    original response once ``done`` holds for it (past "working on it" progress edits)."""
    response = await handle.response()

    def probe() -> StoredMessage | None:
        original = handle.original
        if handle.followups:
            return handle.followups[-1]
        if original is None or original.deleted or original.loading:
            return None
        return original if response.type == 4 or done(original) else None

    return await eventually(probe, within)


def has_text(message: StoredMessage) -> bool:
    """A private deferral shows its outcome (saved, or why not) as text."""
    return bool(message.content)


def assert_no_errors_logged(guard: LogGuard) -> None:
    assert guard.unexpected() == []


@pytest.fixture
async def bot(launch: Launch) -> SoundOffBot:
    """One bot for every example of a test."""
    return await launch()


@pytest.fixture
async def draft(standin: StandIn, bot: SoundOffBot) -> StoredMessage:
    return await new_song(standin, standin.scene.owner)


@pytest.fixture
async def replying_bot(standin: StandIn, launch: Launch) -> SoundOffBot:
    """A bot with the message-content intent, in a server that turned thread-reply revisions on."""
    started = await launch(message_content=True)
    await started.services.guild_settings.update(standin.scene.guild.id, message_revisions=True)
    return started


@pytest.fixture
async def version_in_thread(standin: StandIn, replying_bot: SoundOffBot) -> StoredMessage:
    """A member's revision posted in the song's thread: what thread replies answer."""
    draft = await new_song(standin, standin.scene.owner)
    opened = await (await standin.click(draft, label="Revise", member=standin.scene.owner)).modal()
    await settled(await standin.submit_modal(opened, {"lyrics": "[Verse 1]\nthe paper boats sail on"}), has_text)
    thread = standin.thread_of(draft)
    return [m for m in standin.messages(thread) if m.embeds and " · v" in m.embeds[0].get("title", "")][-1]


@fuzz(12)
@given(
    theme=lyric_text.map(lambda text: bounded(text, 1, 200)),
    genre=st.one_of(st.none(), option_text.map(lambda text: bounded(text, 1, 40))),
    mood=st.one_of(st.none(), option_text.map(lambda text: bounded(text, 1, 40))),
    form=st.sampled_from(sorted(FORMS)),
    rhyme=st.sampled_from(RHYMES),
    syllables=st.integers(4, 16),
)
async def test_cowrite_lyrics_with_any_options(
    standin: StandIn,
    bot: SoundOffBot,
    discord_log_guard: LogGuard,
    theme: str,
    genre: str | None,
    mood: str | None,
    form: str,
    rhyme: str,
    syllables: int,
) -> None:
    """/cowrite lyrics with any theme, genre and mood gives a draft or a clear refusal, and pings nobody."""
    before = mark(standin)
    options: dict[str, object] = {"theme": theme, "form": form, "rhyme_scheme": rhyme, "syllables": syllables}
    options |= {k: v for k, v in (("genre", genre), ("mood", mood)) if v is not None}
    seen = await settled(
        await standin.slash("cowrite lyrics", options, member=standin.scene.member), lambda m: m.embeds
    )
    assert seen.embeds or (seen.ephemeral and seen.content)
    await quiet(standin)
    assert_clean_wire(standin, before)
    assert_no_errors_logged(discord_log_guard)


@fuzz(15)
@given(text=lyric_text.map(lambda text: (text * 12)[:4000]))
async def test_modal_revision_with_any_text(
    standin: StandIn, draft: StoredMessage, discord_log_guard: LogGuard, text: str
) -> None:
    """Any text submitted in the Revise modal is saved as a version or refused privately, pinging nobody."""
    before = mark(standin)
    opened = await (await standin.click(draft, label="Revise", member=standin.scene.member)).modal()
    seen = await settled(await standin.submit_modal(opened, {"lyrics": text}), has_text)
    assert seen.ephemeral
    assert "Saved as v" in seen.content or "Something went wrong" not in seen.content
    await quiet(standin)
    assert_clean_wire(standin, before)
    assert_no_errors_logged(discord_log_guard)


@fuzz(15)
@given(text=lyric_text.map(lambda text: bounded(text.strip(), 1, 2000, "la")))
async def test_thread_reply_with_any_text(
    standin: StandIn, version_in_thread: StoredMessage, discord_log_guard: LogGuard, text: str
) -> None:
    """A reply to a version in a song thread, whatever it says, becomes a version or gets a reply saying why."""
    thread = standin.world.channel(version_in_thread.channel_id)
    assert thread is not None
    before = mark(standin)
    posted = await standin.post(thread, text, author=standin.scene.member, reply_to=version_in_thread)
    answer = await wait_for(lambda: _reply_to(standin, thread, posted))
    assert answer.embeds or "Something went wrong" not in answer.content
    await quiet(standin)
    assert_clean_wire(standin, before)
    assert_no_errors_logged(discord_log_guard)


@fuzz(10)
@given(text=lyric_text.map(lambda text: bounded(text.strip(), 1, 2000, "la")))
async def test_submit_any_message_as_revision(
    standin: StandIn, draft: StoredMessage, discord_log_guard: LogGuard, text: str
) -> None:
    """Submit as revision on any member message in a song thread saves it or refuses privately."""
    thread = standin.thread_of(draft)
    posted = await standin.post(thread, text, author=standin.scene.member)
    before = mark(standin)
    seen = await settled(
        await standin.message_command("Submit as revision", posted, member=standin.scene.owner), has_text
    )
    assert seen.ephemeral
    await quiet(standin)
    assert_clean_wire(standin, before)
    assert_no_errors_logged(discord_log_guard)


@fuzz(40)
@given(
    command=st.sampled_from(["history", "credits", "diff", "soundoff results", "soundoff start", "revise"]),
    value=st.one_of(
        option_text,
        st.from_regex(r"v?[0-9²٣]{1,25}", fullmatch=True),
        st.sampled_from(["1", "v1", "v0", "-1", "0", "v99999999999999999999", " ", "²", "٣"]),
    ),
)
async def test_option_values_from_anywhere(
    standin: StandIn, draft: StoredMessage, discord_log_guard: LogGuard, command: str, value: str
) -> None:
    """Song, poll and version options hold whatever a member typed (autocomplete is only a suggestion)."""
    value = bounded(value, 1, 12) if command == "diff" else value or "x"
    options = {
        "history": {"song": value},
        "credits": {"version": value},
        "diff": {"a": value, "b": "v1"},
        "soundoff results": {"poll": value},
        "soundoff start": {"versions": bounded(value, 1, 60)},
        "revise": {"song": value},
    }[command]
    before = mark(standin)
    handle = await standin.slash(command, options, member=standin.scene.owner, channel=standin.scene.cowriting)
    response = await handle.response()
    if response.type != 9:  # /revise may open its modal: that is an answer too
        seen = await settled(handle, lambda m: "open" in m.content)
        assert seen.content or seen.embeds
        assert "Something went wrong" not in seen.content
    await quiet(standin)
    assert_clean_wire(standin, before)
    assert_no_errors_logged(discord_log_guard)


def _reply_to(standin: StandIn, thread: Channel, posted: StoredMessage) -> StoredMessage | None:
    bot_id = standin.world.application.bot.id
    return next(
        (
            m
            for m in standin.messages(thread)
            if m.author.id == bot_id and (m.message_reference or {}).get("message_id") == str(posted.id)
        ),
        None,
    )
