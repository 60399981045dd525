"""Draft held-out briefs with a real OpenAI-compatible server and print how the LLM path fares (not run in CI).

For every brief: who wrote the draft (the model, or the offline writer and why), how long it took, and how well
the lyrics keep the brief (rhyme pairs held, lines within ±1 syllable of the target). The summary gives the
share of drafts the model wrote, the fallback reasons counted, the time per draft and the adherence of the
model's drafts next to the offline writer's on the same briefs. The briefs are not used by any test.

Run against any server (llama.cpp's llama-server, llama-cpp-python, Ollama, vLLM, LM Studio, OpenAI):

    OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_MODEL=local python bench/bench_llm_real.py --briefs 10

SOUNDOFF_LLM_TIMEOUT and SOUNDOFF_LLM_DEADLINE apply as in the bot (``--timeout``/``--deadline`` override them).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import statistics
import time

from bot.settings import load_settings
from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import count_syllables
from bot.songwriting.words.rhyme import FREE, expand_scheme, unmet_rhymes
from bot.songwriting.writers import offline
from bot.songwriting.writers.lyric_writer import OFFLINE, Draft
from bot.writer_factory import lyric_writer

HELD_OUT = (
    Brief("a ferry that stopped running in winter", mood="wistful", form="verse-chorus", rhyme_scheme="ABAB"),
    Brief("my brother teaching me to drive", genre="country", form="verse-chorus", rhyme_scheme="AABB", syllables=7),
    Brief("the last bus out of town", mood="sad", form="verse", rhyme_scheme="XAXA", syllables=6),
    Brief("painting the kitchen yellow", mood="happy", form="strophic", rhyme_scheme="AABB", syllables=8),
    Brief("a storm over the harvest", genre="folk", form="aaba", rhyme_scheme="ABAB", syllables=8),
    Brief("dancing alone after the party", genre="synth-pop", form="verse-chorus-bridge", syllables=7),
    Brief("letters from a pen pal in Lisbon", mood="dreamy", form="verse-chorus", rhyme_scheme="XAXA", syllables=9),
    Brief("the night shift at the bakery", mood="hopeful", form="verse", rhyme_scheme="AABB", syllables=8),
    Brief("an old dog on the porch", genre="blues", form="verse-chorus", rhyme_scheme="AABB", syllables=6),
    Brief("climbing the hill behind school", mood="energetic", form="strophic", rhyme_scheme="ABAB", syllables=7),
    Brief("a lighthouse with no keeper", mood="dark", form="aaba", rhyme_scheme="XAXA", syllables=8),
    Brief("first snow in the city", genre="indie", form="verse-chorus", rhyme_scheme="ABAB", syllables=8),
)


def adherence(brief: Brief, lyrics: Lyrics) -> tuple[float, float]:
    """Share of the scheme's rhyme pairs held, and of lines within ±1 syllable of the target."""
    needed = met = 0
    for section in {s.label: s for s in lyrics.sections}.values():
        target = expand_scheme(brief.section_scheme, len(section.lines))
        pairs = sum(1 for i, mark in enumerate(target) if mark != FREE and target.index(mark) < i)
        needed += pairs
        met += pairs - len(unmet_rhymes(target, section.lines))
    lines = lyrics.lines
    close = sum(abs(count_syllables(line) - brief.syllables) <= 1 for line in lines)
    return (met / needed if needed else 1.0), (close / len(lines) if lines else 0.0)


async def run(count: int, request_timeout: float | None, deadline: float | None, show: bool) -> None:
    settings = load_settings()
    if not settings.llm_configured:
        print("skipped: set OPENAI_BASE_URL (and OPENAI_MODEL) to the server to measure")  # so `make bench` goes on
        return
    changes = {k: v for k, v in (("openai_timeout", request_timeout), ("openai_deadline", deadline)) if v is not None}
    settings = settings.model_copy(update=changes)
    writer = lyric_writer(settings)
    assert writer.llm is not None
    print(f"server {settings.openai_base_url}  model {settings.openai_model}")
    print(f"timeout {settings.openai_timeout:g} s a request, deadline {settings.openai_deadline:g} s a draft\n")
    rows: list[tuple[Brief, Draft, float]] = []
    try:
        for index in range(count):
            brief = HELD_OUT[index % len(HELD_OUT)]
            brief = Brief(**{**_fields(brief), "seed": index})
            started = time.perf_counter()
            draft = await writer.draft(brief)
            seconds = time.perf_counter() - started
            rows.append((brief, draft, seconds))
            rhyme, syllables = adherence(brief, draft.lyrics)
            who = "LLM" if draft.writer != OFFLINE else "offline"
            why = f"  ({draft.fallback})" if draft.fallback else ""
            figures = f"{seconds:5.1f} s  {who:<8}rhyme {rhyme:4.0%}  syll {syllables:4.0%}"
            print(f"{index + 1:>2}. {figures}  {brief.theme}{why}")
            if show and draft.writer != OFFLINE:
                print("    " + draft.lyrics.to_text().replace("\n", "\n    "))
        modes = dict(writer.llm.http.modes)
    finally:
        await writer.close()
    _summary(rows, modes)


def _fields(brief: Brief) -> dict[str, object]:
    return {name: getattr(brief, name) for name in Brief.__dataclass_fields__}


def _summary(rows: list[tuple[Brief, Draft, float]], modes: dict[str, str]) -> None:
    used = [(b, d) for b, d, _ in rows if d.writer != OFFLINE]
    reasons = collections.Counter(d.fallback or "?" for _, d, _ in rows if d.writer == OFFLINE)
    times = [s for _, _, s in rows]
    print(f"\nLLM used for {len(used)} of {len(rows)} drafts ({len(used) / len(rows):.0%}); format: {modes or 'none'}")
    for reason, n in reasons.most_common():
        print(f"  fell back {n}×: {reason}")
    print(f"time a draft: median {statistics.median(times):.1f} s, max {max(times):.1f} s")
    if used:
        rhyme, syll = zip(*(adherence(b, d.lyrics) for b, d in used), strict=True)
        print(f"LLM drafts:     rhyme pairs held {statistics.mean(rhyme):.0%}, ±1 syllable {statistics.mean(syll):.0%}")
    offline_scores = [adherence(b, offline.write(b)) for b, _, _ in rows]
    rhyme, syll = zip(*offline_scores, strict=True)
    print(
        f"offline writer: rhyme pairs held {statistics.mean(rhyme):.0%}, lines ±1 syllable {statistics.mean(syll):.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--briefs", type=int, default=10, help="how many held-out briefs to draft")
    parser.add_argument("--timeout", type=float, help="seconds a request (default SOUNDOFF_LLM_TIMEOUT)")
    parser.add_argument("--deadline", type=float, help="seconds a draft (default SOUNDOFF_LLM_DEADLINE)")
    parser.add_argument("--show", action="store_true", help="print the lyrics of every LLM draft")
    parser.add_argument("--verbose", action="store_true", help="log every request failure")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.ERROR, format="    %(message)s")
    asyncio.run(run(args.briefs, args.timeout, args.deadline, args.show))


if __name__ == "__main__":
    main()
