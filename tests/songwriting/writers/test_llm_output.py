"""The reply formats: the JSON schemas sent match the pydantic models that validate, and reading is lenient."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.writers.llm_output import (
    CRITIQUE_SCHEMA,
    NOT_JSON,
    SECTION_SCHEMA,
    SONG_SCHEMA,
    CritiqueOut,
    SectionOut,
    SongOut,
    draft_tokens,
    extract_json,
    lean,
    read,
)

_BOUNDS = ("minItems", "maxItems", "minLength", "maxLength")


def _bounds(schema: dict[str, Any], defs: dict[str, Any], path: str = "") -> dict[str, Any]:
    """Every length bound in a schema, by property path, following pydantic's $refs and anyOf."""
    if "$ref" in schema:
        return _bounds(defs[schema["$ref"].rsplit("/", 1)[1]], defs, path)
    found = {f"{path}.{key}": schema[key] for key in _BOUNDS if key in schema}
    for name, sub in schema.get("properties", {}).items():
        found |= _bounds(sub, defs, f"{path}/{name}")
    if "items" in schema:
        found |= _bounds(schema["items"], defs, f"{path}[]")
    return found


@pytest.mark.parametrize(
    ("schema", "model"), [(SONG_SCHEMA, SongOut), (SECTION_SCHEMA, SectionOut), (CRITIQUE_SCHEMA, CritiqueOut)]
)
def test_schema_bounds_match_the_validation_models(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """A grammar built from the schema allows exactly the sizes validation accepts."""
    generated = model.model_json_schema()
    assert _bounds(schema, {}) == _bounds(generated, generated.get("$defs", {}))


def test_schemas_are_strict() -> None:
    """Every object lists all its properties as required and allows no others (OpenAI's strict mode)."""

    def objects(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            here = [node] if node.get("type") == "object" else []
            return here + [o for value in node.values() for o in objects(value)]
        return []

    for schema in (SONG_SCHEMA, SECTION_SCHEMA, CRITIQUE_SCHEMA):
        for node in objects(schema):
            assert node["additionalProperties"] is False
            assert set(node["required"]) == set(node["properties"])


def test_lean_drops_only_length_keywords() -> None:
    """The lean schema is the schema less its bounds, for strict modes that refuse them."""
    text = json.dumps(lean(SONG_SCHEMA))
    assert not any(key in text for key in ("minItems", "maxItems", "maxLength"))
    assert '"additionalProperties": false' in text


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        'Here you go:\n```json\n{"a": 1}\n```',
        '{"a": 1} and then {"b": 2}',
        'prefix { not json } then {"a": 1}',
    ],
)
def test_extract_json(text: str) -> None:
    """The first whole object is found through fences, chatter and stray braces."""
    assert extract_json(text) == {"a": 1}


def test_read_says_what_is_wrong() -> None:
    """Validation problems name the place, so the repair prompt can show them."""
    long_line = {"title": "t", "sections": [{"label": "Verse 1", "lines": ["x" * 500]}]}
    found = read(json.dumps(long_line), SongOut)
    assert found.value is None
    assert "sections.1.lines.1" in found.problems[0]
    assert read("no json here", SongOut).problems == (NOT_JSON,)


def test_draft_tokens_grow_with_the_brief() -> None:
    """Longer forms and lines get a bigger budget, within the server's usual limits."""
    small = draft_tokens(Brief("x", form="verse", syllables=4))
    large = draft_tokens(Brief("x", form="verse-chorus-bridge", rhyme_scheme="ABCABC", syllables=16))
    assert 256 <= small < large <= 4096
    assert all(draft_tokens(Brief("x", form=f)) <= 4096 for f in FORMS)
