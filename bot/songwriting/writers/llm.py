"""The LLM writer: lyrics from any OpenAI-compatible server, held to a quality floor, repaired once.

Faults never reach callers: every operation returns its result or an :class:`LLMFailure` whose ``reason`` a
member can read ("The model's draft had 2 of 4 sections", "The LLM endpoint rejected the request (HTTP 500:
Input should be 'text' or 'json_object')"). The transport (``llm_http``) negotiates the response format with
the server and sorts its faults; this module asks, cleans the reply into lyrics (``quality.clean_song``),
measures it against the brief, and when it misses shows the model its own reply with the exact violations
once. A draft is returned only when it passes the floor; of two passing attempts the better scored wins.
Members' text (theme, style, lyrics) only ever travels as JSON inside ``<data>`` delimiters of a template from
``prompts/``; it is never spliced into the instructions.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

import prompts
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.genre_forms import lyric_form
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.rhyme import expand_scheme
from bot.songwriting.writers.llm_http import (
    PAUSED,
    RATE_LIMITED,
    REFUSED,
    REJECTED,
    TIMED_OUT,
    UNAVAILABLE,
    UNUSABLE,
    ChatClient,
    CircuitBreaker,
    Completion,
    LLMFailure,
    Retry,
)
from bot.songwriting.writers.llm_output import (
    CRITIQUE_SCHEMA,
    NOT_JSON,
    NOTES_MAX,
    SECTION_SCHEMA,
    SONG_SCHEMA,
    CritiqueOut,
    NoteOut,
    SectionOut,
    SongOut,
    draft_tokens,
    read,
    section_tokens,
)
from bot.songwriting.writers.quality import Assessment, Violation, assess_section, assess_song, clean_lines, clean_song

__all__ = [
    "PAUSED",
    "RATE_LIMITED",
    "REFUSED",
    "REJECTED",
    "TIMED_OUT",
    "UNAVAILABLE",
    "UNUSABLE",
    "CircuitBreaker",
    "LLMFailure",
    "LLMLyrics",
    "LLMWriter",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
"""Seconds one request may take: the documented SOUNDOFF_LLM_TIMEOUT default."""
DEFAULT_DEADLINE = 25.0
"""Seconds a whole draft (every request, retry and the repair) may take: SOUNDOFF_LLM_DEADLINE's default."""
REPLY_SHOWN_MAX = 6000
"""Characters of the model's own reply shown back to it in the repair round (a looping reply is cut here)."""

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class LLMLyrics:
    """Lyrics the model wrote that pass the floor, and what still misses the brief (empty when nothing)."""

    lyrics: Lyrics
    model: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Ask:
    """One writing job: what to ask, how to read the reply into lyrics, how to judge them."""

    prompt: str
    shape: type[BaseModel]
    name: str
    schema: dict[str, Any]
    build: Callable[[Any], Lyrics]
    check: Callable[[Lyrics], Assessment]
    what: str
    max_tokens: int
    seed: int


class LLMWriter:
    """Write, vary and critique lyrics with a chat-completions model."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
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
        self.temperature = temperature
        self.breaker = CircuitBreaker(breaker_threshold, breaker_cooldown)
        retry = Retry(max_retries, backoff, max_backoff, retry_after_cap)
        self.http = ChatClient(api_key=api_key, base_url=base_url, timeout=timeout, retry=retry, breaker=self.breaker)

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self.http.close()

    async def draft(self, brief: Brief, *, model: str | None = None) -> LLMLyrics | LLMFailure:
        """Write a whole song for the brief; a new ``brief.seed`` asks for a fresh take."""
        form = lyric_form(brief.genre)
        data = {
            "theme": brief.theme,
            "genre": brief.genre,
            "mood": brief.mood,
            "form": list(FORMS[brief.form]),
            "lines_per_section": len(brief.section_scheme),
            "rhyme_scheme": brief.section_scheme,
            "syllables": brief.syllables,
            "syllables_by_section": {label: form.syllables(label, brief.syllables) for label in FORMS[brief.form]},
            "genre_form": form.instruction or None,
            "seed": brief.seed,
        }

        def build(song: SongOut) -> Lyrics:
            return clean_song(brief, song.title, [(s.label, s.lines) for s in song.sections])

        ask = _Ask(
            _render("draft.md", data),
            SongOut,
            "song",
            SONG_SCHEMA,
            build,
            lambda lyrics: assess_song(brief, lyrics),
            "draft",
            draft_tokens(brief),
            brief.seed,
        )
        return await self._write(ask, model)

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
            "syllables": lyric_form(brief.genre).syllables(target.label, brief.syllables),
            "genre_form": lyric_form(brief.genre).instruction or None,
            "theme": brief.theme,
            "genre": brief.genre,
            "mood": brief.mood,
        }

        def build(section: SectionOut) -> Lyrics:
            fresh = Section(target.label, clean_lines(section.lines))
            return Lyrics(lyrics.title, tuple(fresh if s == target else s for s in lyrics.sections))

        def check(varied: Lyrics) -> Assessment:
            fresh = varied.sections[section_index]
            found = assess_section(
                fresh.lines, len(target.lines), scheme, lyric_form(brief.genre).syllables(target.label, brief.syllables)
            )
            if fresh.lines != target.lines:
                return found
            same = Violation("the section is unchanged: write new lines", 5)
            return Assessment((*found.violations, same), (*found.broken, "was the old section unchanged"))

        ask = _Ask(
            _render("vary.md", data),
            SectionOut,
            "section",
            SECTION_SCHEMA,
            build,
            check,
            "section",
            section_tokens(len(target.lines), brief.syllables),
            brief.seed + 1,
        )
        return await self._write(ask, model)

    async def critique(self, lyrics: Lyrics, *, model: str | None = None) -> tuple[str, ...] | LLMFailure:
        """Return the model's line notes on the lyrics (syllables, stock rhymes, clichés) without rewriting them."""
        reply = await self.http.complete(
            _messages(_render("critique.md", {"song": lyrics.to_dict()})),
            name="critique",
            schema=CRITIQUE_SCHEMA,
            model=model or self.model,
            seed=None,
            max_tokens=NOTES_MAX * 80,
            temperature=0.3,
            until=self._until(),
        )
        if isinstance(reply, LLMFailure):
            return reply
        parsed = read(reply.text, CritiqueOut)
        if parsed.value is None:
            return LLMFailure(UNUSABLE)
        return tuple(note for item in parsed.value.notes[:NOTES_MAX] if (note := _note_text(item)))

    async def _write(self, ask: _Ask, model: str | None) -> LLMLyrics | LLMFailure:
        """Ask; when the reply misses the floor, show the model its reply and the violations once; keep the best."""
        name = model or self.model
        messages = _messages(ask.prompt)
        attempts: list[tuple[Assessment, Lyrics]] = []
        failure: LLMFailure | None = None
        until = self._until()
        max_tokens = ask.max_tokens
        for round_ in range(2):
            reply = await self.http.complete(
                messages,
                name=ask.name,
                schema=ask.schema,
                model=name,
                seed=ask.seed,
                max_tokens=max_tokens,
                temperature=self.temperature,
                until=until,
            )
            if isinstance(reply, LLMFailure):
                failure = reply
                if reply.reason != UNUSABLE:
                    break  # the endpoint failed or the model refused: asking again would not help
                text, repair = "", _repair_prompt((NOT_JSON,))
            else:
                text = reply.text
                outcome = self._judge(ask, reply)
                if isinstance(outcome, LLMFailure):
                    failure = outcome
                    repair = _truncated_prompt(reply) if reply.truncated else _repair_prompt(_problems(outcome))
                else:
                    attempts.append(outcome)
                    assessment = outcome[0]
                    if assessment.passes and not assessment.violations:
                        break
                    repair = _repair_prompt(_assessment_problems(assessment, ask.what))
                if reply.truncated:
                    max_tokens = min(4096, max_tokens * 3 // 2)
            if round_ == 0:
                shown = text[:REPLY_SHOWN_MAX] or "(an empty reply)"
                messages = [*messages, {"role": "assistant", "content": shown}, {"role": "user", "content": repair}]
        return _choose(attempts, failure, name, ask.what)

    def _judge(self, ask: _Ask, reply: Completion) -> tuple[Assessment, Lyrics] | LLMFailure:
        """Read a reply into lyrics and measure them, or say why it could not be read."""
        parsed = read(reply.text, ask.shape)
        if parsed.value is None:
            if reply.truncated:
                return LLMFailure(f"The model's reply was cut off at the {reply.max_tokens}-token limit")
            if parsed.problems == (NOT_JSON,):
                return LLMFailure(UNUSABLE)
            return LLMFailure(f"{UNUSABLE} ({parsed.problems[0]})")
        lyrics = ask.build(parsed.value)
        return ask.check(lyrics), lyrics

    def _until(self) -> float:
        """The monotonic time by which the operation starting now must be done."""
        return time.monotonic() + self.deadline


def _choose(
    attempts: list[tuple[Assessment, Lyrics]], failure: LLMFailure | None, model: str, what: str
) -> LLMLyrics | LLMFailure:
    """The best attempt that passes the floor; else why the best one did not, else the last failure."""
    passing = [attempt for attempt in attempts if attempt[0].passes and not attempt[1].is_empty()]
    if passing:
        assessment, lyrics = min(passing, key=lambda attempt: attempt[0].score)
        return LLMLyrics(lyrics=lyrics, model=model, problems=assessment.messages)
    if attempts:
        assessment, _ = min(attempts, key=lambda attempt: attempt[0].score)
        why = assessment.broken[0] if assessment.broken else "had no lines"
        log.info("LLM %s missed the quality floor: %s", what, "; ".join(assessment.broken))
        return LLMFailure(f"The model's {what} {why}")
    return failure or LLMFailure(UNUSABLE)


def _problems(failure: LLMFailure) -> tuple[str, ...]:
    detail = failure.reason.removeprefix(UNUSABLE).strip(" ()")
    return (detail or NOT_JSON,)


def _assessment_problems(assessment: Assessment, what: str) -> tuple[str, ...]:
    """The floor rules broken first ("the draft had 2 of 4 sections"), then every violation, at most 20."""
    return (*(f"the {what} {phrase}" for phrase in assessment.broken), *assessment.messages)[:20]


def _repair_prompt(problems: tuple[str, ...]) -> str:
    return _render("repair.md", {"problems": list(problems)})


def _truncated_prompt(reply: Completion) -> str:
    problem = f"the reply was cut off at the {reply.max_tokens}-token limit before the JSON object was complete"
    return _render("truncated.md", {"problems": [problem]})


def _render(template: str, data: object) -> str:
    """Put members' text into a prompt as JSON between the data delimiters; '<' is escaped so it cannot close them."""
    block = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c").replace(">", "\\u003e")
    return prompts.load(template).replace("{data}", block)


def _messages(user: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "system", "content": prompts.load("system.md")}, {"role": "user", "content": user}]


def _note_text(note: NoteOut) -> str:
    text = note.note.strip()
    where = ", ".join(part for part in (note.section.strip(), f"line {note.line}" if note.line else "") if part)
    return f"{where}: {text}" if where and text else text
