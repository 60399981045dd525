"""Benchmark the melody sketch: per-stage times cold (fresh process) and warm, and the melody's quality.

The song is the offline writer's verse–chorus draft cut to three sections (Verse 1, Chorus, Verse 2).
Budget: the whole warm sketch within 0.6 s on the 2-core machine. The printable lead-sheet PDF is not part of
a sketch (it is made on demand by the studio and the export) and is timed on its own after the sketches.

Run: python bench/bench_sketch.py [--repeats N] [--genre GENRE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.songwriting.music.settings import MusicSettings
    from bot.songwriting.versions.credits import Disclosure

BUDGET_SECONDS = 0.6
STAGES = ("melody", "MIDI", "MusicXML", "score image", "audio preview", "ABC")


def _song() -> object:
    from bot.songwriting.words.brief import Brief
    from bot.songwriting.words.lyrics import Lyrics
    from bot.songwriting.writers.offline import write

    draft = write(Brief(theme="a night train home", mood="wistful", seed=11))
    return Lyrics(draft.title, draft.sections[:3])


def _disclosure() -> Disclosure:
    from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure

    return Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))


def _settings(genre: str | None) -> MusicSettings:
    from bot.songwriting.music.settings import MusicSettings

    return MusicSettings(mood="wistful", genre=genre)


def _sketch_once(seed: int, genre: str | None = None) -> dict[str, float]:
    """Compose and render the song once; return seconds per stage plus the whole."""
    from bot.songwriting.render.sketch import compose_and_render

    times: dict[str, float] = {}
    started = time.perf_counter()
    compose_and_render(
        _song(),
        "Night Train",
        _settings(genre),
        seed=seed,
        progress=lambda stage, seconds: times.__setitem__(stage, seconds),
        disclosure=_disclosure(),
    )
    times["whole"] = time.perf_counter() - started
    return times


def cold(genre: str | None) -> None:
    """Run in a fresh process: imports, then the first sketch with no warm-up (prints JSON)."""
    started = time.perf_counter()
    import bot.songwriting.render.sketch  # noqa: F401  # the import is what is being timed

    imported = time.perf_counter() - started
    times = _sketch_once(1, genre)
    print(json.dumps({"import": imported, **times}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--genre", help="compose in this genre (its band is rendered too); default: none")
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        cold(args.genre)
        return

    genre = ["--genre", args.genre] if args.genre else []
    run = subprocess.run([sys.executable, __file__, "--cold", *genre], capture_output=True, text=True, check=True)
    first = json.loads(run.stdout.strip().splitlines()[-1])
    print("Cold (fresh process, no warm-up):")
    print(f"  {'import':<15}{first['import'] * 1000:7.0f} ms")
    for stage in (*STAGES, "whole"):
        print(f"  {stage:<15}{first[stage] * 1000:7.0f} ms")

    from bot.songwriting.render.sketch import compose_and_render, warm_up

    started = time.perf_counter()
    warm_up()
    print(f"\nWarm-up (the process pool initialiser): {(time.perf_counter() - started) * 1000:.0f} ms")

    runs = [_sketch_once(seed, args.genre) for seed in range(args.repeats)]
    print(f"\nWarm (median of {args.repeats} seeds, 3-section song):")
    for stage in (*STAGES, "whole"):
        values = [r[stage] * 1000 for r in runs]
        print(f"  {stage:<15}{statistics.median(values):7.0f} ms   (max {max(values):.0f})")
    whole = statistics.median(r["whole"] for r in runs)
    verdict = "within" if whole <= BUDGET_SECONDS else "OVER"
    print(f"  budget         {BUDGET_SECONDS * 1000:7.0f} ms   -> {verdict} budget")

    from bot.songwriting.music.measures import HUMAN_BAND, measure

    song = _song()
    melody, files = compose_and_render(song, "Night Train", _settings(args.genre), seed=0, disclosure=_disclosure())
    print(f"\nSketch: {melody.summary()}")
    sizes = {
        "MIDI": len(files.midi),
        "MusicXML": len(files.musicxml),
        "PNG": len(files.png or b""),
        "OGG": len(files.ogg or b""),
        "ABC": len(files.abc),
    }
    print("Sizes: " + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sizes.items()))
    from bot.songwriting.render.pdf import to_pdf

    timed = []
    for _ in range(3):
        started = time.perf_counter()
        printable = to_pdf(files.musicxml)
        timed.append(time.perf_counter() - started)
    print(
        f"Lead sheet PDF (on demand: the studio and the export): {statistics.median(timed) * 1000:.0f} ms for "
        f"{printable.pages} page(s), {len(printable.pdf) / 1024:.0f} KiB"
    )
    for note in files.notes:
        print(f"Note: {note}")
    print("\nQuality of that melody (human p10–p90 band where there is one):")
    for name, value in measure(melody, song).items():  # type: ignore[arg-type]
        band = HUMAN_BAND.get(name)
        where = "" if band is None else ("  in band" if band[0] <= value <= band[1] else "  OUT of band")
        shown = "" if band is None else f"  [{band[0]:g}–{band[1]:g}]"
        print(f"  {name:<24}{value:6.2f}{shown}{where}")


if __name__ == "__main__":
    main()
