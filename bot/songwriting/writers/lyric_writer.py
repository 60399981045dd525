"""The one entry point the bot and the studio use to get lyrics: the LLM when configured, else the offline writer.

When the LLM fails (timeout, rate limit, refusal, a reply under the quality floor, circuit open) the offline writer
steps in and the draft says so in its notes and in ``fallback``, so a member always gets a draft and always knows
who wrote it and why. Lyrics with no sung line never leave here as an LLM draft, whatever the LLM returned.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import load_dictionary
from bot.songwriting.words.prosody_report import critique as local_critique
from bot.songwriting.writers import offline
from bot.songwriting.writers.llm import LLMFailure, LLMLyrics, LLMWriter

OFFLINE = offline.WRITER_NAME


@dataclass(frozen=True, slots=True)
class Draft:
    """Lyrics plus who wrote them (a model name or "offline writer") and what the member should know.

    ``fallback`` is why the offline writer wrote them although an LLM is configured (None otherwise).
    """

    lyrics: Lyrics
    writer: str
    notes: tuple[str, ...] = ()
    fallback: str | None = None


class LyricWriter:
    """Draft, vary and critique lyrics, falling back to the offline writer whenever the LLM cannot help."""

    def __init__(self, llm: LLMWriter | None) -> None:
        self.llm = llm

    async def draft(self, brief: Brief, *, model: str | None = None) -> Draft:
        """Write a song for the brief; a new seed gives a new draft (Regenerate)."""
        if self.llm is None:
            return Draft(await _offline(brief), OFFLINE)
        # Load the offline writer's dictionaries while the model thinks, so a fallback after a timeout is quick.
        warm = asyncio.create_task(asyncio.to_thread(load_dictionary))
        result = _usable(await self.llm.draft(brief, model=model))
        await warm
        if isinstance(result, LLMFailure):
            return Draft(await _offline(brief), OFFLINE, (_fallback_note(result, "draft"),), result.reason)
        return _from_llm(result)

    async def vary_section(
        self,
        brief: Brief,
        lyrics: Lyrics,
        section_index: int,
        *,
        model: str | None = None,
        withheld: str | None = None,
    ) -> Draft:
        """Rewrite one section (all copies of a chorus) and keep the rest of the song.

        ``withheld`` says why the song's words may not go to the LLM (consent): the offline writer then
        rewrites the section and the draft says so.
        """
        if not 0 <= section_index < len(lyrics.sections):
            raise IndexError(f"the song has no section {section_index + 1}")
        if self.llm is None or withheld:
            varied = await asyncio.to_thread(offline.vary_section, brief, lyrics, section_index)
            notes = (f"{withheld}, so the offline writer wrote this section.",) if self.llm and withheld else ()
            return Draft(varied, OFFLINE, notes, withheld if self.llm else None)
        result = _usable(await self.llm.vary_section(brief, lyrics, section_index, model=model))
        if isinstance(result, LLMFailure):
            varied = await asyncio.to_thread(offline.vary_section, brief, lyrics, section_index)
            return Draft(varied, OFFLINE, (_fallback_note(result, "section"),), result.reason)
        return _from_llm(result)

    async def critique(
        self, lyrics: Lyrics, *, syllables: int | None = None, model: str | None = None, withheld: str | None = None
    ) -> tuple[str, ...]:
        """Return line notes: the prosody critic's, then the model's when it answers (never a rewrite).

        ``withheld`` says why the words may not go to the LLM (consent): the prosody check alone answers.
        """
        notes = local_critique(lyrics, syllables)
        if self.llm is None:
            return notes
        if withheld:
            return (*notes, f"{withheld}, so these notes come from the prosody check alone.")
        result = await self.llm.critique(lyrics, model=model)
        if isinstance(result, LLMFailure):
            return (*notes, f"{result.reason}, so these notes come from the prosody check alone.")
        return tuple(dict.fromkeys((*notes, *result)))

    async def close(self) -> None:
        """Release the LLM client's connections."""
        if self.llm is not None:
            await self.llm.close()


async def _offline(brief: Brief) -> Lyrics:
    """The offline writer, on a worker thread: a few milliseconds of CPU each that the event loop shouldn't wait on."""
    return await asyncio.to_thread(offline.write, brief)


def _usable(result: LLMLyrics | LLMFailure) -> LLMLyrics | LLMFailure:
    """The last guard: an LLM result with a section that sings nothing is a failure, never a blank version."""
    if isinstance(result, LLMLyrics) and (
        result.lyrics.is_empty() or any(not any(line.strip() for line in s.lines) for s in result.lyrics.sections)
    ):
        return LLMFailure("The model's reply had no lyrics")
    return result


def _from_llm(result: LLMLyrics) -> Draft:
    notes: tuple[str, ...] = ()
    if result.problems:
        more = f" (and {len(result.problems) - 1} more)" if len(result.problems) > 1 else ""
        notes = (f"Still off the brief after one repair: {result.problems[0]}{more}.",)
    return Draft(result.lyrics, result.model, notes)


def _fallback_note(failure: LLMFailure, what: str) -> str:
    return f"{failure.reason}; the offline writer wrote this {what}."
