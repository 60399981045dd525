"""Secrets (SPEC §6): the bot token and the OpenAI key never reach a log line, a message or a request body."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging
from tests.openai_server import OpenAIServer, Reply
from tests.proof.conftest import Launch, new_song, quiet
from tests.standin import StandIn

TOKEN = "MTE5NjA0.secret-bot-token.Zx9Qw8Er7Ty6"
API_KEY = "sk-proj-secret-openai-key-4f2a9c"
SONG = {"title": "Fog", "sections": [{"label": "Verse 1", "lines": ["the fog comes in", "the fog goes out"]}]}


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """All log output at DEBUG, through the handler ``soundoff run`` installs (redaction included)."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("discord.http").level)
    setup_logging(logging.DEBUG, [TOKEN, API_KEY])
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved[0], saved[1]
    logging.getLogger("discord.http").setLevel(saved[2])


async def test_no_secret_in_logs_messages_or_requests(
    standin: StandIn, launch: Launch, openai_server: OpenAIServer, captured_logs: io.StringIO
) -> None:
    """A flow with LLM failures (one echoing the key) and a success leaks neither secret anywhere observable."""
    standin.world.application.token = TOKEN
    openai_server.script(
        Reply(status=401, error=f"Incorrect API key provided: {API_KEY}"),
        *[Reply.failing(500)] * 3,
        Reply.text('{"title": "Fog", "sections": [{"label"'),
        Reply.text("not json at all"),
        Reply.json(SONG),
    )
    bot = await launch(
        DISCORD_TOKEN=TOKEN,
        OPENAI_API_KEY=API_KEY,
        OPENAI_BASE_URL=openai_server.base_url,
        OPENAI_MODEL="test-model",
        SOUNDOFF_LLM_TIMEOUT=2,
    )
    scene = standin.scene
    for theme in ("rejected key", "server errors", "broken json", "fog"):
        await new_song(standin, scene.owner, theme)
    shown_settings = await (await standin.slash("settings show", member=scene.owner)).message()
    assert "test-model" in shown_settings.content
    await quiet(standin)
    assert bot.services.settings.openai_api_key is not None

    logs = captured_logs.getvalue()
    assert "LLM request failed with HTTP 401" in logs
    wire = [repr(r.json) + repr([f.data for f in r.files]) for r in standin.requests]
    shown_text = [
        repr((m.content, m.embeds, [a.data for a in m.attachments]))
        for guild in standin.world.guilds.values()
        for channel in guild.channels.values()
        for m in channel.messages.values()
    ]
    llm_bodies = [repr(seen.body) for seen in openai_server.requests]
    for secret in (TOKEN, API_KEY):
        assert secret not in logs
        assert not any(secret in text for text in wire + shown_text + llm_bodies)
        assert secret not in repr(bot.services.settings)
    assert all(seen.headers.get("Authorization") == f"Bearer {API_KEY}" for seen in openai_server.requests)


def test_a_secret_logged_by_mistake_is_masked(captured_logs: io.StringIO) -> None:
    """Were any code to log a secret (in the message or a traceback), the installed handler masks it."""
    logging.getLogger("discord.gateway").warning("identifying with %s", TOKEN)
    try:
        raise RuntimeError(f"upstream said: bad key {API_KEY}")
    except RuntimeError:
        logging.getLogger("bot.songwriting.writers.llm").warning("LLM reply could not be read", exc_info=True)
    logs = captured_logs.getvalue()
    assert "identifying with [secret]" in logs
    assert "bad key [secret]" in logs
    assert TOKEN not in logs
    assert API_KEY not in logs
