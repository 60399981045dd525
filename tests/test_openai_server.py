"""The LLM test double refuses what real chat-completions servers refuse, before any scripted reply is used."""

from __future__ import annotations

from typing import Any

import pytest

from bot.songwriting.writers.llm_output import CRITIQUE_SCHEMA, SECTION_SCHEMA, SONG_SCHEMA
from tests.openai_server import request_problem

GOOD: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 50}


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"model": ""}, "'model'"),
        ({"messages": []}, "'messages'"),
        ({"messages": [{"role": "narrator", "content": "x"}]}, "messages[0]"),
        ({"messages": [{"role": "user"}]}, "messages[0]"),
        ({"max_tokens": 0}, "max_tokens"),
    ],
)
def test_malformed_requests_are_refused(change: dict[str, Any], fragment: str) -> None:
    """No model, no messages, a message without role or content, or a zero token limit: a 400 on every server."""
    problem = request_problem({**GOOD, **change}, strict_schemas=False)
    assert problem is not None
    assert fragment in problem


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        **GOOD,
        "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": schema, "strict": True}},
    }


def test_openai_strict_mode_wants_closed_objects_that_require_every_property() -> None:
    """A nested object left open, or with an optional property, is refused in OpenAI's strict structured outputs."""
    open_item = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    optional = {**open_item, "additionalProperties": False, "required": []}
    for item in (open_item, optional):
        schema = {"type": "object", "properties": {"xs": {"type": "array", "items": item}}, "required": ["xs"]}
        schema["additionalProperties"] = False
        assert request_problem(_strict(schema), strict_schemas=True) is not None
        assert request_problem(_strict(schema), strict_schemas=False) is None


@pytest.mark.parametrize("schema", [SONG_SCHEMA, SECTION_SCHEMA, CRITIQUE_SCHEMA])
def test_the_writers_schemas_pass_openai_strict_mode(schema: dict[str, Any]) -> None:
    """What the LLM writer really sends in strict mode is accepted by OpenAI's rules."""
    assert request_problem(_strict(schema), strict_schemas=True) is None
