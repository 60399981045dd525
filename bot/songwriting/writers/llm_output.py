"""What the LLM must reply: the pydantic models that validate it, the JSON schemas sent to the server, reading.

The schemas are built from the same bounds as the models (``SECTIONS_MAX``, ``LINES_MAX``, ``LINE_CHARS_MAX``…),
so a server that enforces the schema with a grammar (llama.cpp, vLLM, Ollama) cannot produce a reply that
validation then throws away, and a model looping inside ``lines`` is stopped by the grammar rather than by the
context limit. A test holds the two in step. Reading is lenient about the wrapping (code fences, chatter, a
second object after the first) and exact about the content; a reply that fails validation is described in
words the repair prompt can show the model ("sections 1, lines 3: at most 120 characters").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, Field, ValidationError

from bot.songwriting.words.brief import FORMS, Brief

TITLE_MAX = 100
LABEL_MAX = 40
LINE_CHARS_MAX = 120
"""A 16-syllable line is under 100 characters; a 900-character "line" is prose and the grammar refuses it."""
LINES_MAX = 16
SECTIONS_MAX = 12
NOTE_MAX = 400
NOTES_MAX = 12

_Model = TypeVar("_Model", bound=BaseModel)
Line = Annotated[str, Field(max_length=LINE_CHARS_MAX)]


class SectionOut(BaseModel):
    """One section as the model writes it (its label is replaced by the form's)."""

    label: str = Field(default="", max_length=LABEL_MAX)
    lines: list[Line] = Field(min_length=1, max_length=LINES_MAX)


class SongOut(BaseModel):
    """A whole song as the model writes it."""

    title: str = Field(default="", max_length=TITLE_MAX)
    sections: list[SectionOut] = Field(min_length=1, max_length=SECTIONS_MAX)


class NoteOut(BaseModel):
    """One critique note pointing at a line."""

    section: str = Field(max_length=LABEL_MAX)
    line: int
    note: str = Field(min_length=1, max_length=NOTE_MAX)


class CritiqueOut(BaseModel):
    """The model's notes on a song (never a rewrite)."""

    notes: list[NoteOut] = Field(max_length=NOTES_MAX)


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _text(max_length: int, min_length: int = 0) -> dict[str, Any]:
    bounds = {"minLength": min_length} if min_length else {}
    return {"type": "string", "maxLength": max_length, **bounds}


SECTION_SCHEMA = _object(
    {
        "label": _text(LABEL_MAX),
        "lines": {"type": "array", "items": _text(LINE_CHARS_MAX), "minItems": 1, "maxItems": LINES_MAX},
    }
)
SONG_SCHEMA = _object(
    {
        "title": _text(TITLE_MAX),
        "sections": {"type": "array", "items": SECTION_SCHEMA, "minItems": 1, "maxItems": SECTIONS_MAX},
    }
)
NOTE_SCHEMA = _object({"section": _text(LABEL_MAX), "line": {"type": "integer"}, "note": _text(NOTE_MAX, 1)})
CRITIQUE_SCHEMA = _object({"notes": {"type": "array", "items": NOTE_SCHEMA, "maxItems": NOTES_MAX}})

_LENGTH_KEYWORDS = frozenset({"minLength", "maxLength", "minItems", "maxItems"})


def lean(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without length bounds, for servers whose strict mode refuses those keywords."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _LENGTH_KEYWORDS:
            continue
        if isinstance(value, dict):
            out[key] = lean(value)
        else:
            out[key] = value
    return out


def floors_only(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its lower bounds but no upper ones, for llama-cpp-python's ``json_object`` grammar.

    Its Python grammar engine expands every bounded repetition: with ``maxItems`` a song decoded at 4.5 tokens a
    second on SmolLM2 here, without it at 49. ``max_tokens`` still stops a runaway, and validation the rest.
    """
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("maxItems", "maxLength", "minLength"):
            continue
        out[key] = floors_only(value) if isinstance(value, dict) else value
    return out


@dataclass(frozen=True, slots=True)
class Read(Generic[_Model]):
    """A reply read against a model: the value, or what is wrong with it in words the model can act on."""

    value: _Model | None
    problems: tuple[str, ...] = ()


NOT_JSON = "the reply was not one JSON object in the requested format"
_FENCE = re.compile(r"```(?:json)?", re.IGNORECASE)


def read(text: str, shape: type[_Model]) -> Read[_Model]:
    """Find the first JSON object in a reply (fences and chatter around it allowed) and validate it."""
    found = extract_json(text)
    if found is None:
        return Read(None, (NOT_JSON,))
    try:
        value = shape.model_validate(found)
    except ValidationError as error:
        return Read(None, tuple(_describe(e) for e in error.errors()[:10]))
    return Read(value)


def extract_json(text: str) -> Any | None:
    """Return the first balanced JSON object in ``text``, or None when there is none."""
    cleaned = _FENCE.sub("", text)
    decoder = json.JSONDecoder()
    start = cleaned.find("{")
    while start >= 0:
        try:
            value, _ = decoder.raw_decode(cleaned, start)
        except json.JSONDecodeError:
            start = cleaned.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = cleaned.find("{", start + 1)
    return None


def _describe(error: Any) -> str:
    where = ".".join(str(part + 1) if isinstance(part, int) else str(part) for part in error.get("loc", ()))
    return f"{where or 'the reply'}: {error.get('msg', 'invalid')}"


_TOKENS_PER_SYLLABLE = 1.6
"""Tokens per sung syllable in a JSON string, measured on Gemma and SmolLM2 tokenizers (quotes, commas included)."""


def draft_tokens(brief: Brief) -> int:
    """Size ``max_tokens`` for a whole song: every line of the form at the syllable target, twice over for slack."""
    lines = len(FORMS[brief.form]) * len(brief.section_scheme)
    return _budget(lines, brief.syllables, sections=len(FORMS[brief.form]))


def section_tokens(lines: int, syllables: int) -> int:
    """Size ``max_tokens`` for one section."""
    return _budget(lines, syllables, sections=1)


def _budget(lines: int, syllables: int, *, sections: int) -> int:
    per_line = syllables * _TOKENS_PER_SYLLABLE + 4
    content = lines * per_line + sections * 12 + 30
    return int(min(4096, max(256, content * 2)))
