"""The offline studio: ``soundoff sketch "<theme>" --out DIR`` writes a whole song sketch without Discord.

Lyrics come from the same writer the bot uses (the LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, else the
offline writer) or from a ``lyrics.txt``-style file; the melody and its files come from the sketch pipeline.
The files have the names of the bot's ``/export`` zip.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bot.errors import StartupError
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.music.voices import Voice
from bot.songwriting.render.sketch import SketchFiles, compose_and_render
from bot.songwriting.render.sketch_files import FILE_NAMES, sketch_contents, song_document
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from bot.songwriting.words.brief import FORMS, THEME_MAX, Brief
from bot.songwriting.words.lyrics import LYRICS_MAX_CHARS, Lyrics, parse_lyrics, size_problem
from bot.songwriting.words.prosody import has_words_to_sing
from bot.songwriting.words.prosody_report import format_report, prosody_report
from bot.songwriting.words.text import UnsafeTextError, member_text
from bot.songwriting.writers.lyric_writer import OFFLINE, Draft, LyricWriter

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_THEME = "a lighthouse keeper's last night on the rocks"
FILES = tuple(name for name in FILE_NAMES if name != "credits.md")  # the export's files; credits are per song


class StudioError(StartupError):
    """Bad arguments or input: the message is the one line printed on stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sketch`` options (SPEC §7) to a parser."""
    parser.add_argument("theme", nargs="?", help=f"what the song is about (up to {THEME_MAX} characters)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the sketch into")
    parser.add_argument("--genre", help="e.g. folk, blues, punk, hip-hop: shapes the words and the band")
    parser.add_argument("--mood", help="e.g. wistful, defiant, happy: also picks the key and tempo")
    parser.add_argument("--form", choices=sorted(FORMS), default="verse-chorus", help="song form")
    parser.add_argument("--rhyme", default="ABAB", metavar="SCHEME", help="rhyme scheme such as ABAB or AABB")
    parser.add_argument("--syllables", type=int, default=8, metavar="N", help="syllables per line (4–16)")
    parser.add_argument("--key", help='e.g. "A minor", "F#", "D dorian"')
    parser.add_argument("--tempo", type=int, metavar="BPM", help="quarter notes per minute (40–240)")
    parser.add_argument("--meter", help="time signature such as 4/4, 3/4 or 6/8")
    parser.add_argument(
        "--voice", choices=[v.value for v in Voice], help="the singer's range: picks the register and the key"
    )
    parser.add_argument("--seed", type=int, metavar="N", help="makes the sketch reproducible (random if left out)")
    parser.add_argument("--lyrics", type=Path, metavar="FILE", help="set a melody to these lyrics instead")


def run(args: argparse.Namespace) -> int:
    """Write the sketch; return 0, or 2 with one line on stderr for bad arguments or input."""
    try:
        return _run(args)
    except StudioError as exc:
        print(f"soundoff sketch: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    try:
        music = MusicSettings(
            key=args.key, tempo=args.tempo, meter=args.meter, mood=args.mood, genre=args.genre, voice=args.voice
        )
    except ValueError as exc:
        raise StudioError(str(exc)) from None
    brief = _brief(args, seed)
    out = _check_writable(args.out)
    started = time.perf_counter()
    notes: tuple[str, ...] = ()
    fallback: str | None = None
    if args.lyrics is not None:
        lyrics, writer = _read_lyrics(args.lyrics, args.theme), "lyrics file"
        print(f"{'lyrics':<15}read from {args.lyrics}")
    else:
        assert brief is not None
        draft = asyncio.run(_write_lyrics(brief, args))
        lyrics, writer, notes, fallback = draft.lyrics, draft.writer or OFFLINE, draft.notes, draft.fallback
        print(f"{'lyrics':<15}{time.perf_counter() - started:.2f} s  {writer}")
    for note in notes:
        print(f"{'':<15}{note}")
    print()
    print(lyrics.title)
    print(format_report(prosody_report(lyrics)))
    print()
    words = Authorship() if args.lyrics is not None else Authorship.by_ai(writer)  # a file's author is unknown
    disclosure = Disclosure(words, Authorship.by_ai(MELODY_WRITER))
    try:
        melody, files = compose_and_render(
            lyrics,
            lyrics.title,
            music,
            seed=seed,
            progress=lambda stage, seconds: print(f"{stage:<15}{seconds:.2f} s"),
            disclosure=disclosure,
            lead_sheet=True,
        )
    except ValueError as exc:
        raise StudioError(str(exc)) from None
    song = song_document(lyrics.title, lyrics, melody, seed=seed, writer=writer, fallback=fallback)
    written = _write_files(out, song, lyrics, files, disclosure)
    print()
    print(melody.summary())
    for note in files.notes:
        print(note)
    print(f"Wrote {len(written)} files to {out} in {time.perf_counter() - started:.1f} s (seed {seed}).")
    return EXIT_OK


def _brief(args: argparse.Namespace, seed: int) -> Brief | None:
    if args.lyrics is None and not (args.theme and args.theme.strip()):
        raise StudioError('give a theme ("a night train home") or --lyrics FILE')
    if args.lyrics is not None and not args.theme:
        return None
    try:
        return Brief(
            theme=args.theme,
            genre=args.genre,
            mood=args.mood,
            form=args.form,
            rhyme_scheme=args.rhyme,
            syllables=args.syllables,
            seed=seed,
        )
    except ValueError as exc:
        raise StudioError(str(exc)) from None


def _check_writable(path: Path) -> Path:
    """Fail before the slow work if the folder cannot be written; nothing is created until the end."""
    if path.exists() and not path.is_dir():
        raise StudioError(f"cannot write to {path}: it is a file, not a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise StudioError(f"cannot write to {path}: permission denied")
    return path


def _read_lyrics(path: Path, theme: str | None) -> Lyrics:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise StudioError(f"cannot read lyrics file {path}: {reason}") from None
    if len(text) > LYRICS_MAX_CHARS:
        raise StudioError(f"lyrics file {path} is longer than {LYRICS_MAX_CHARS} characters")
    try:
        text = member_text(text, "the lyrics")
    except UnsafeTextError as exc:
        raise StudioError(
            f"lyrics file {path} has {exc.found} on line {exc.line} ({exc.code}): is it a text file?"
        ) from None
    lyrics = parse_lyrics(text)
    if (problem := size_problem(lyrics)) is not None:
        raise StudioError(f"lyrics file {path} has {problem}: split the song up")
    if not has_words_to_sing(lyrics.lines):
        raise StudioError(f"lyrics file {path} has no words to sing")
    title = lyrics.title or (theme or "").strip() or path.stem.replace("-", " ").replace("_", " ").title()
    return Lyrics(title=title, sections=lyrics.sections)


async def _write_lyrics(brief: Brief, args: argparse.Namespace) -> Draft:
    writer = _writer(args)
    try:
        return await writer.draft(brief)
    finally:
        await writer.close()


def _writer(args: argparse.Namespace) -> LyricWriter:
    """The bot's writer, from the same factory: the connection ``soundoff`` put on ``args``, and the time limits
    (SOUNDOFF_LLM_TIMEOUT, SOUNDOFF_LLM_DEADLINE) from the settings it read them from."""
    from pydantic import SecretStr

    from bot.settings import load_settings
    from bot.writer_factory import lyric_writer

    api_key = getattr(args, "openai_api_key", None)
    base_url = getattr(args, "openai_base_url", None)
    if not (api_key or base_url):
        return LyricWriter(None)
    settings = getattr(args, "settings", None) or load_settings()
    connection = {
        "openai_api_key": SecretStr(api_key) if api_key else None,
        "openai_base_url": base_url,
        "openai_model": getattr(args, "openai_model", None) or settings.openai_model,
    }
    return lyric_writer(settings.model_copy(update=connection))


def _write_files(
    out: Path, song: dict[str, object], lyrics: Lyrics, files: SketchFiles, disclosure: Disclosure
) -> list[str]:
    """Write every file or none: they are staged in a folder beside ``out`` and moved in when all are written."""
    contents = sketch_contents(song, lyrics, files, disclosure=disclosure)
    staging = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        for name, data in contents.items():
            (staging / name).write_bytes(data)
        if out.exists():
            for name in contents:
                os.replace(staging / name, out / name)
        else:
            staging.rename(out)
            staging = None
    except OSError as exc:
        raise StudioError(f"cannot write to {out}: {exc.strerror or exc}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return list(contents)
