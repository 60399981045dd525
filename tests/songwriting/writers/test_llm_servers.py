"""The LLM writer against the double behaving like each real server: formats, errors, limits (issue 13)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.songwriting.words.brief import Brief
from bot.songwriting.writers.llm import LLMFailure, LLMLyrics, LLMWriter
from bot.songwriting.writers.lyric_writer import OFFLINE, LyricWriter
from tests.openai_server import PROFILES, OpenAIServer, Reply, openai_server  # noqa: F401  (the server fixture)

BRIEF = Brief("night drive", form="verse", rhyme_scheme="AABB", syllables=6, seed=5)
GOOD_LINES = ["We drive into the night", "The road is burning bright", "The radio is low", "And nowhere else to go"]
GOOD = {"title": "Night Drive", "sections": [{"label": "Verse 1", "lines": GOOD_LINES}]}
SERVERS = sorted(name for name in PROFILES if name != "lenient")


@pytest.fixture
async def llm(openai_server: OpenAIServer) -> AsyncIterator[LLMWriter]:  # noqa: F811
    """An LLM writer on the local server with small timeouts and backoff, and a breaker that opens after two."""
    writer = LLMWriter(
        api_key="sk-test-servers-0123456789",
        base_url=openai_server.base_url,
        model="test-model",
        timeout=1.0,
        deadline=3.0,
        max_retries=2,
        backoff=0.01,
        max_backoff=0.02,
        breaker_threshold=2,
    )
    yield writer
    await writer.close()


@pytest.mark.parametrize("server", SERVERS)
async def test_every_common_server_gets_a_draft(llm: LLMWriter, openai_server: OpenAIServer, server: str) -> None:  # noqa: F811
    """OpenAI, Ollama, vLLM, llama-server, llama-cpp-python and LM Studio each yield the model's draft."""
    openai_server.behave_like(server).script(Reply.json(GOOD))
    result = await llm.draft(BRIEF)
    assert isinstance(result, LLMLyrics), result
    assert result.lyrics.sections[0].lines == tuple(GOOD_LINES)
    assert openai_server.statuses[-1] == 200


async def test_llama_cpp_python_is_asked_in_json_object_mode(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """After its 500 for json_schema the writer asks in json_object mode, with the schema in the prompt."""
    openai_server.behave_like("llama-cpp-python").script(Reply.json(GOOD))
    assert isinstance(await llm.draft(BRIEF), LLMLyrics)
    formats = [seen.format for seen in openai_server.requests]
    assert formats[0] == "json_schema"
    assert formats[-1] == "json_object"
    assert '"maxItems"' in openai_server.requests[-1].user_text
    grammar = openai_server.requests[-1].body["response_format"]["schema"]
    assert grammar["properties"]["sections"]["minItems"] == 1
    assert "maxItems" not in grammar["properties"]["sections"]  # llama-cpp-python's grammar crawls with it


async def test_the_working_format_is_remembered(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """The second draft on llama-cpp-python goes straight to the format that worked: one request."""
    openai_server.behave_like("llama-cpp-python").script(Reply.json(GOOD), Reply.json(GOOD))
    await llm.draft(BRIEF)
    before = len(openai_server.requests)
    assert isinstance(await llm.draft(BRIEF), LLMLyrics)
    assert [seen.format for seen in openai_server.requests[before:]] == ["json_object"]


async def test_lm_studio_falls_to_plain_text_only_when_json_object_is_refused(
    openai_server: OpenAIServer,  # noqa: F811
) -> None:
    """LM Studio refuses json_object; a server that then refuses json_schema too is asked in plain text."""
    writer = LLMWriter(api_key="k", base_url=openai_server.base_url, model="m", backoff=0.01)
    openai_server.behave_like("lm-studio", formats=frozenset({"text"})).script(Reply.json(GOOD))
    assert isinstance(await writer.draft(BRIEF), LLMLyrics)
    assert openai_server.requests[-1].format == "none"
    await writer.close()


async def test_many_drafts_on_llama_cpp_python_never_pause_the_endpoint(
    llm: LLMWriter,
    openai_server: OpenAIServer,  # noqa: F811
) -> None:
    """Its format rejections are answers, not outages: five drafts in a row all reach the model."""
    openai_server.behave_like("llama-cpp-python").script(*[Reply.json(GOOD)] * 5)
    results = [await llm.draft(BRIEF) for _ in range(5)]
    assert all(isinstance(r, LLMLyrics) for r in results), results
    assert llm.breaker.state == "closed"


async def test_a_permanent_500_is_not_retried_and_is_reported(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """A 500 whose body names the request is asked once, leaves the breaker closed and carries the server's words."""
    error = {"error": {"message": "Input should be a valid dictionary: messages.0", "type": "internal_server_error"}}
    openai_server.script(Reply(status=500, body=error), Reply(status=500, body=error), Reply(status=500, body=error))
    first = await llm.draft(BRIEF)
    second = await llm.draft(BRIEF)
    assert len(openai_server.requests) == 2
    assert isinstance(first, LLMFailure)
    assert isinstance(second, LLMFailure)
    assert "Input should be a valid dictionary" in first.reason
    assert "not responding" not in first.reason
    assert llm.breaker.state == "closed"


async def test_client_errors_are_reported_with_the_servers_message(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """A 404 is asked once, and the member reads what the server said, never the key."""
    openai_server.script(
        Reply.failing(404, error="The model `gemma-9000` does not exist (key sk-test-servers-0123456789)")
    )
    result = await llm.draft(BRIEF)
    assert isinstance(result, LLMFailure)
    assert "does not exist" in result.reason
    assert "sk-test-servers" not in result.reason
    assert len(openai_server.requests) == 1


async def test_the_log_carries_the_servers_message(
    llm: LLMWriter,
    openai_server: OpenAIServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The warning says what the server said, not only the status code."""
    openai_server.script(Reply.failing(400, error="max_tokens must be at most 2048"))
    with caplog.at_level(logging.WARNING):
        await llm.draft(BRIEF)
    assert "max_tokens must be at most 2048" in caplog.text


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_transient_errors_are_retried(llm: LLMWriter, openai_server: OpenAIServer, status: int) -> None:  # noqa: F811
    """429 and 502–504 are asked again, and the draft arrives when the server recovers."""
    openai_server.script(Reply.failing(status, retry_after="0.01"), Reply.json(GOOD))
    assert isinstance(await llm.draft(BRIEF), LLMLyrics)
    assert len(openai_server.requests) == 2


async def test_max_tokens_is_sent_and_sized_to_the_brief(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """Every request caps the reply, and a long song gets a bigger cap than one verse."""
    openai_server.script(Reply.json(GOOD), Reply.json(GOOD), Reply.json(GOOD))
    await llm.draft(BRIEF)
    await llm.draft(Brief("night drive", form="verse-chorus-bridge", syllables=12))
    small, large = (openai_server.requests[i].body.get("max_tokens") for i in (0, 1))
    assert isinstance(small, int)
    assert isinstance(large, int)
    assert 100 <= small < large <= 4096


async def test_the_schema_bounds_the_song(llm: LLMWriter, openai_server: OpenAIServer) -> None:  # noqa: F811
    """The json_schema sent limits sections, lines and line length, so a grammar stops a looping model."""
    openai_server.script(Reply.json(GOOD))
    await llm.draft(BRIEF)
    schema = openai_server.requests[0].body["response_format"]["json_schema"]["schema"]
    sections = schema["properties"]["sections"]
    lines = sections["items"]["properties"]["lines"]
    assert sections["maxItems"] <= 20
    assert sections["minItems"] == 1
    assert lines["maxItems"] <= 40
    assert lines["minItems"] == 1
    assert lines["items"]["maxLength"] <= 200


async def test_a_model_looping_inside_lines_stops_at_max_tokens(openai_server: OpenAIServer) -> None:  # noqa: F811
    """On a server generating 4,000 tokens a second with a 3,544-token context, a runaway ends well inside the
    deadline because max_tokens stops it, and the member gets the offline draft with a reason."""
    writer = LLMWriter(api_key="k", base_url=openai_server.base_url, model="m", timeout=5, deadline=5)
    openai_server.behave_like("llama-cpp-python", tokens_per_second=4000).script(Reply.looping(), Reply.looping())
    started = time.monotonic()
    draft = await LyricWriter(writer).draft(BRIEF)
    elapsed = time.monotonic() - started
    await writer.close()
    assert draft.writer == OFFLINE
    assert elapsed < 1.0
    assert "cut off" in draft.notes[0]


async def test_a_trickling_reply_stops_at_the_deadline(openai_server: OpenAIServer) -> None:  # noqa: F811
    """A server that sends headers and then a byte every few milliseconds cannot hold a draft past its deadline."""
    writer = LLMWriter(api_key="k", base_url=openai_server.base_url, model="m", timeout=0.5, deadline=1.0, backoff=0.01)
    openai_server.script(*[Reply.trickling(4.0, Reply.json(GOOD))] * 4)
    started = time.monotonic()
    draft = await LyricWriter(writer).draft(BRIEF)
    elapsed = time.monotonic() - started
    await writer.close()
    assert draft.writer == OFFLINE
    assert elapsed < 1.6


def test_the_writers_default_timeout_is_the_documented_twenty_seconds() -> None:
    """SOUNDOFF_LLM_TIMEOUT is documented as 20 s; the writer's own default agrees."""
    assert LLMWriter(api_key="k", base_url="http://127.0.0.1:9/v1", model="m").timeout == 20.0
