"""The LLM writer: lyrics from any OpenAI-compatible server, checked with the prosody toolkit, repaired once.

Faults never reach callers: every operation returns its result or an :class:`LLMFailure` whose ``reason``
a member can read. Requests time out, are retried with exponential backoff and jitter on 429/5xx/timeouts
(a short ``Retry-After`` is honoured, a long one ends the attempt) until the operation's deadline, so a member
waiting for a draft gets the offline fallback in time whatever the endpoint does; a circuit breaker stops calling an
endpoint that keeps failing until a cool-down has passed. Members' text (theme, style, lyrics) only ever
travels as JSON inside ``<data>`` delimiters of a template from ``prompts/``; it is never spliced into the
instructions.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, Field, ValidationError

import prompts
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import count_syllables
from bot.songwriting.words.rhyme import expand_scheme, unmet_rhymes

log = logging.getLogger(__name__)

TIMED_OUT = "The LLM timed out"
RATE_LIMITED = "The LLM is rate-limited right now"
UNAVAILABLE = "The LLM endpoint is not responding"
PAUSED = "The LLM endpoint kept failing, so it is paused for a while"
REJECTED = "The LLM endpoint rejected the request (check the API key, model name and base URL)"
REFUSED = "The model declined to write this"
UNUSABLE = "The model's reply was not usable"

_Model = TypeVar("_Model", bound=BaseModel)
_NOT_JSON = "the reply was not one JSON object in the requested format"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LLMFailure:
    """Why the LLM could not help, in words a member can read."""

    reason: str


@dataclass(frozen=True, slots=True)
class LLMLyrics:
    """Lyrics the model wrote, and what still misses the brief after the one repair (empty when nothing)."""

    lyrics: Lyrics
    model: str
    problems: tuple[str, ...]


class _SectionOut(BaseModel):
    label: str = Field(min_length=1, max_length=60)
    lines: list[str] = Field(min_length=1, max_length=40)


class _SongOut(BaseModel):
    title: str = Field(default="", max_length=200)
    sections: list[_SectionOut] = Field(min_length=1, max_length=20)


class _NoteOut(BaseModel):
    section: str = Field(default="", max_length=60)
    line: int | None = None
    note: str = Field(min_length=1, max_length=500)


class _CritiqueOut(BaseModel):
    notes: list[_NoteOut] = Field(max_length=40)


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


_SECTION_SCHEMA = _object({"label": {"type": "string"}, "lines": {"type": "array", "items": {"type": "string"}}})
_SONG_SCHEMA = _object({"title": {"type": "string"}, "sections": {"type": "array", "items": _SECTION_SCHEMA}})
_NOTE_SCHEMA = _object({"section": {"type": "string"}, "line": {"type": "integer"}, "note": {"type": "string"}})
_CRITIQUE_SCHEMA = _object({"notes": {"type": "array", "items": _NOTE_SCHEMA}})


class CircuitBreaker:
    """Stop calling an endpoint after ``threshold`` consecutive failures; let one probe through after ``cooldown``."""

    def __init__(self, threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """Return "closed" (calls flow), "open" (calls refused) or "half-open" (one probe allowed)."""
        if self._opened_at is None:
            return "closed"
        if self._probing or self._clock() - self._opened_at >= self.cooldown:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        """Say whether a request may go out now; in half-open state only the first caller probes."""
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._probing:
            self._probing = True
            return True
        return False

    def succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def failed(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self.threshold:
            self._opened_at = self._clock()
        self._probing = False


class LLMWriter:
    """Write, vary and critique lyrics with a chat-completions model."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str,
        timeout: float = 30.0,
        deadline: float = 25.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        retry_after_cap: float = 10.0,
        breaker_threshold: int = 5,
        breaker_cooldown: float = 60.0,
        temperature: float = 0.9,
    ) -> None:
        self.model = model
        self.timeout = timeout
        self.deadline = deadline
        """Seconds one operation (every request, retry and the repair) may take; ``timeout`` caps one request."""
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.retry_after_cap = retry_after_cap
        self.temperature = temperature
        self.breaker = CircuitBreaker(breaker_threshold, breaker_cooldown)
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)
        self._jitter = random.Random()

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.close()

    async def draft(self, brief: Brief, *, model: str | None = None) -> LLMLyrics | LLMFailure:
        """Write a whole song for the brief; a new ``brief.seed`` asks for a fresh take."""
        data = {
            "theme": brief.theme,
            "genre": brief.genre,
            "mood": brief.mood,
            "form": list(FORMS[brief.form]),
            "lines_per_section": len(brief.section_scheme),
            "rhyme_scheme": brief.section_scheme,
            "syllables": brief.syllables,
            "seed": brief.seed,
        }
        result = await self._write(
            _render("draft.md", data),
            _SongOut,
            _SONG_SCHEMA,
            lambda song: _song_lyrics(song, brief),
            lambda lyrics: _check_song(brief, lyrics),
            model,
            brief.seed,
        )
        if isinstance(result, LLMFailure):
            return result
        lyrics, problems = result
        return LLMLyrics(lyrics=lyrics, model=model or self.model, problems=problems)

    async def vary_section(
        self, brief: Brief, lyrics: Lyrics, section_index: int, *, model: str | None = None
    ) -> LLMLyrics | LLMFailure:
        """Rewrite one section (every copy of it, for a chorus) and keep the rest of the song as it is."""
        target = lyrics.sections[section_index]
        scheme = expand_scheme(brief.section_scheme, len(target.lines))
        data = {
            "song": lyrics.to_dict(),
            "section_index": section_index,
            "label": target.label,
            "lines_per_section": len(target.lines),
            "rhyme_scheme": scheme,
            "syllables": brief.syllables,
            "theme": brief.theme,
            "genre": brief.genre,
            "mood": brief.mood,
        }

        def build(section: _SectionOut) -> Lyrics:
            fresh = Section(target.label, _clean_lines(section.lines))
            return Lyrics(lyrics.title, tuple(fresh if s == target else s for s in lyrics.sections))

        def check(varied: Lyrics) -> list[tuple[int, str]]:
            fresh = varied.sections[section_index]
            problems = _check_section(fresh, len(target.lines), scheme, brief.syllables)
            if fresh.lines == target.lines:
                problems.append((5, "the section is unchanged: write new lines"))
            return problems

        result = await self._write(
            _render("vary.md", data), _SectionOut, _SECTION_SCHEMA, build, check, model, brief.seed + 1
        )
        if isinstance(result, LLMFailure):
            return result
        varied, problems = result
        return LLMLyrics(lyrics=varied, model=model or self.model, problems=problems)

    async def critique(self, lyrics: Lyrics, *, model: str | None = None) -> tuple[str, ...] | LLMFailure:
        """Return the model's line notes on the lyrics (syllables, stock rhymes, clichés) without rewriting them."""
        messages = _messages(_render("critique.md", {"song": lyrics.to_dict()}))
        reply = await self._complete(
            messages, "critique", _CRITIQUE_SCHEMA, model, seed=None, until=self._until(), temperature=0.3
        )
        if isinstance(reply, LLMFailure):
            return reply
        parsed = _parse(reply, _CritiqueOut)
        if parsed is None:
            return LLMFailure(UNUSABLE)
        return tuple(_note_text(note) for note in parsed.notes[:12])

    async def _write(
        self,
        prompt: str,
        shape: type[_Model],
        schema: dict[str, Any],
        build: Callable[[_Model], Lyrics],
        check: Callable[[Lyrics], list[tuple[int, str]]],
        model: str | None,
        seed: int,
    ) -> tuple[Lyrics, tuple[str, ...]] | LLMFailure:
        """Ask, check, ask for one repair when off, and keep whichever attempt scores better."""
        messages = _messages(prompt)
        attempts: list[tuple[int, Lyrics, tuple[str, ...]]] = []
        failure = LLMFailure(UNUSABLE)
        until = self._until()
        for round_ in range(2):
            reply = await self._complete(messages, _schema_name(shape), schema, model, seed=seed, until=until)
            text, problems = "", [(100, _NOT_JSON)]
            if isinstance(reply, LLMFailure):
                failure = reply
                if reply.reason != UNUSABLE:
                    break  # the endpoint failed or the model refused: asking again would not help
            elif (parsed := _parse(reply, shape)) is not None:
                lyrics = build(parsed)
                text, problems = reply, check(lyrics)
                attempts.append((sum(weight for weight, _ in problems), lyrics, tuple(p for _, p in problems)))
                if not problems:
                    break
            if round_ == 0:
                repair = _render("repair.md", {"problems": [p for _, p in problems][:20]})
                messages = [
                    *messages,
                    {"role": "assistant", "content": text or "{}"},
                    {"role": "user", "content": repair},
                ]
        if not attempts:
            return failure
        _, lyrics, remaining = min(attempts, key=lambda attempt: attempt[0])
        return lyrics, remaining

    async def _complete(
        self,
        messages: Sequence[ChatCompletionMessageParam],
        name: str,
        schema: dict[str, Any],
        model: str | None,
        *,
        seed: int | None,
        until: float,
        temperature: float | None = None,
    ) -> str | LLMFailure:
        """Send one chat completion, retrying transient faults until ``until`` (monotonic); return the reply
        text or why there is none."""
        attempt = 0
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return LLMFailure(TIMED_OUT)
            if not self.breaker.allow():
                return LLMFailure(PAUSED)
            try:
                response_format: ResponseFormatJSONSchema = {
                    "type": "json_schema",
                    "json_schema": {"name": name, "schema": schema, "strict": True},
                }
                response = await self._client.chat.completions.create(
                    model=model or self.model,
                    messages=list(messages),
                    response_format=response_format,
                    seed=seed,
                    temperature=self.temperature if temperature is None else temperature,
                    timeout=min(self.timeout, left),
                )
            except openai.APIStatusError as error:
                status = error.status_code
                retryable = status in (408, 409, 429) or status >= 500
                reason = RATE_LIMITED if status == 429 else UNAVAILABLE if retryable else REJECTED
                delay = self._delay(attempt, error.response.headers.get("retry-after"))
                log.warning("LLM request failed with HTTP %s (attempt %s)", status, attempt + 1)
            except openai.APITimeoutError:
                retryable, reason, delay = True, TIMED_OUT, self._delay(attempt, None)
                log.warning("LLM request timed out after %.1f s (attempt %s)", min(self.timeout, left), attempt + 1)
            except openai.APIConnectionError:
                retryable, reason, delay = True, UNAVAILABLE, self._delay(attempt, None)
                log.warning("LLM endpoint unreachable (attempt %s)", attempt + 1)
            except openai.OpenAIError:
                log.warning("LLM reply could not be read", exc_info=True)
                self.breaker.succeeded()
                return LLMFailure(UNUSABLE)
            else:
                self.breaker.succeeded()
                return _reply_text(response)
            self.breaker.failed()
            if not retryable or delay is None or attempt >= self.max_retries or delay >= until - time.monotonic():
                return LLMFailure(reason)
            await asyncio.sleep(delay)
            attempt += 1

    def _until(self) -> float:
        """The monotonic time by which the operation starting now must be done."""
        return time.monotonic() + self.deadline

    def _delay(self, attempt: int, retry_after: str | None) -> float | None:
        """Return how long to wait before retrying, or None when the server asks for longer than we will wait."""
        if retry_after:
            wait = _retry_after_seconds(retry_after)
            if wait is not None:
                return wait if wait <= self.retry_after_cap else None
        return min(self.max_backoff, self.backoff * 2.0**attempt) * (0.5 + self._jitter.random())


def _schema_name(shape: type[BaseModel]) -> str:
    """Name a response schema after its model ("song", "section")."""
    return shape.__name__.strip("_").removesuffix("Out").lower()


def _retry_after_seconds(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _reply_text(response: Any) -> str | LLMFailure:
    """Pull the text out of a completion, turning refusals, truncation and emptiness into failures."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        return LLMFailure(UNUSABLE)
    choice = choices[0]
    message = choice.message
    if getattr(message, "refusal", None) or choice.finish_reason == "content_filter":
        return LLMFailure(REFUSED)
    if choice.finish_reason == "length":
        return LLMFailure(UNUSABLE)
    content = message.content or ""
    return content if content.strip() else LLMFailure(UNUSABLE)


def _parse(text: str, shape: type[_Model]) -> _Model | None:
    """Read one JSON object from a reply (tolerating code fences and chatter around it) and validate it."""
    stripped = _FENCE.sub("", text.strip())
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        return shape.model_validate(json.loads(stripped[start : end + 1]))
    except (json.JSONDecodeError, ValidationError):
        return None


def _render(template: str, data: object) -> str:
    """Put members' text into a prompt as JSON between the data delimiters; '<' is escaped so it cannot close them."""
    block = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c").replace(">", "\\u003e")
    return prompts.load(template).replace("{data}", block)


def _messages(user: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "system", "content": prompts.load("system.md")}, {"role": "user", "content": user}]


def _clean_lines(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(line.strip() for line in lines if line.strip() and not re.fullmatch(r"\[[^\]]*\]", line.strip()))


def _song_lyrics(song: _SongOut, brief: Brief) -> Lyrics:
    """Turn the model's song into lyrics, taking the form's labels when the section count matches."""
    labels = FORMS[brief.form]
    sections = [Section(s.label.strip(), _clean_lines(s.lines)) for s in song.sections]
    sections = [s for s in sections if s.lines]
    if len(sections) == len(labels):
        sections = [Section(label, s.lines) for label, s in zip(labels, sections, strict=True)]
    title = song.title.strip() or brief.theme.strip()
    return Lyrics(title=title, sections=tuple(sections))


def _check_song(brief: Brief, lyrics: Lyrics) -> list[tuple[int, str]]:
    """List, with weights, how the lyrics miss the brief: form, identical choruses, lines, rhymes, syllables."""
    problems: list[tuple[int, str]] = []
    labels = tuple(s.label for s in lyrics.sections)
    if labels != FORMS[brief.form]:
        problems.append((10, f"the sections must be {list(FORMS[brief.form])} in that order, not {list(labels)}"))
    seen: dict[str, tuple[str, ...]] = {}
    for section in lyrics.sections:
        if section.label in seen:
            if seen[section.label] != section.lines:
                problems.append((3, f"every {section.label} must repeat the first one's lines exactly"))
            continue
        seen[section.label] = section.lines
        scheme = brief.section_scheme
        problems.extend(
            (w, f"{section.label}: {p}") for w, p in _check_section(section, len(scheme), scheme, brief.syllables)
        )
    return problems


def _check_section(section: Section, lines: int, scheme: str, syllables: int) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    if len(section.lines) != lines:
        problems.append((5, f"has {len(section.lines)} lines; it needs exactly {lines}"))
    for index in unmet_rhymes(scheme, section.lines[:lines]):
        first = scheme.index(scheme[index])
        problems.append((1, f"line {index + 1} must rhyme with line {first + 1} (scheme {scheme})"))
    for number, line in enumerate(section.lines, start=1):
        count = count_syllables(line)
        if abs(count - syllables) > 1:
            problems.append((1, f"line {number} has {count} syllables; it needs {syllables} (±1)"))
    return problems


def _note_text(note: _NoteOut) -> str:
    where = ", ".join(part for part in (note.section.strip(), f"line {note.line}" if note.line else "") if part)
    return f"{where}: {note.note.strip()}" if where else note.note.strip()
