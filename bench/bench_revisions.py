"""Revision rules on large inputs: diff, history tree, credits, split sheet, results chart.

Run: python bench/bench_revisions.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from bot.songwriting.render.chart import bar_chart_png
from bot.songwriting.versions.credits import attribute, render_split_sheet
from bot.songwriting.versions.revisions import VersionNode, diff_lines, history_tree
from bot.songwriting.words.lyrics import Lyrics, Section

WORDS = "night light road home fire rain heart gold cold river stone sky dream wild free".split()


def _line(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8)))


def _song(rng: random.Random, lines: int, sections: int = 5) -> Lyrics:
    per = lines // sections
    return Lyrics("T", tuple(Section(f"S{i}", tuple(_line(rng) for _ in range(per))) for i in range(sections)))


def _edit(rng: random.Random, lyrics: Lyrics, share: float) -> Lyrics:
    sections = tuple(
        Section(s.label, tuple(_line(rng) if rng.random() < share else line for line in s.lines))
        for s in lyrics.sections
    )
    return Lyrics(lyrics.title, sections)


def timeit(label: str, fn: Callable[[], object], reps: int = 5) -> None:
    fn()
    start = time.perf_counter()
    for _ in range(reps):
        fn()
    print(f"{label}: {(time.perf_counter() - start) / reps * 1000:.1f} ms")


def main() -> None:
    rng = random.Random(1)
    song40 = _song(rng, 40)
    edited40 = _edit(rng, song40, 0.2)
    timeit("diff, 40 lines, 20% edited", lambda: diff_lines(song40, edited40), reps=50)
    a, b = _song(rng, 200), _song(rng, 200)
    timeit("diff + render, 200 lines fully rewritten (worst case)", lambda: diff_lines(a, b).render())
    nodes = [VersionNode(1, None, None, "AI", "ai-draft", _song(rng, 40), False)]
    for number in range(2, 81):
        parent = rng.randrange(1, number)
        lyrics = _edit(rng, nodes[parent - 1].lyrics or song40, 0.1)
        nodes.append(VersionNode(number, parent, 100 + number % 7, f"m{number % 7}", "human-revision", lyrics, False))
    timeit("credits of v80 in an 80-version tree", lambda: attribute(nodes, 80))
    timeit("history tree, 80 versions", lambda: history_tree(nodes))
    credits = attribute(nodes, 80)
    timeit("split sheet", lambda: render_split_sheet(credits, "T"))
    timeit("results chart PNG", lambda: bar_chart_png(["A", "B", "C"], [12, 30, 7], "B", "Results"), reps=20)


if __name__ == "__main__":
    main()
