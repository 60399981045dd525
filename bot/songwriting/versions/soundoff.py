"""Sound-off rules: which versions compete, blind labels, tallies, results and server-wide stats.

Votes arrive as plain values (member id → option label), so one vote per member holds by construction.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.songwriting.errors import DomainError
from bot.songwriting.versions.kinds import VersionKind
from bot.songwriting.versions.revisions import VersionError, VersionNode, parse_version
from bot.songwriting.words.text import escape_markdown, percent, plural

MIN_OPTIONS = 2
MAX_OPTIONS = 5
MIN_DURATION = timedelta(hours=1)
MAX_DURATION = timedelta(days=14)
DEFAULT_DURATION = timedelta(hours=24)
TOP_REVISERS = 5

_LIST_SEPARATORS = re.compile(r"[\s,;]+")


class SoundoffError(DomainError):
    """A sound-off that can't be started as asked; the message tells the member what to do instead."""


@dataclass(frozen=True, slots=True)
class Option:
    """One competing version behind its blind label."""

    label: str
    version: int
    kind: VersionKind
    author_id: int | None
    author_name: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", VersionKind(self.kind))  # a stored value ("ai-draft") becomes the kind

    @property
    def by_ai(self) -> bool:
        return self.kind.by_ai

    def describe(self) -> str:
        """Who wrote it, for the reveal: ``v3 by Ana`` or ``v1, the AI draft``."""
        if self.by_ai:
            return f"v{self.version}, the {self.kind.display_name}"
        return f"v{self.version} by {escape_markdown(self.author_name)}"


@dataclass(frozen=True, slots=True)
class OptionResult:
    option: Option
    votes: int
    share: float


@dataclass(frozen=True, slots=True)
class Results:
    """A closed (or closing) sound-off's tally."""

    options: tuple[OptionResult, ...]
    total: int
    winner: str | None
    tied: tuple[str, ...]
    margin: int

    @property
    def ai_labels(self) -> tuple[str, ...]:
        """Labels of the options the AI wrote (kind ``ai-*``)."""
        return tuple(r.option.label for r in self.options if r.option.by_ai)

    @property
    def winning_option(self) -> Option | None:
        return next((r.option for r in self.options if r.option.label == self.winner), None)

    def tally(self) -> str:
        """The closed ballot's count per option, by letter: "Final tally: A 3 · B 2 · C 0"."""
        counts = " · ".join(f"{r.option.label} {r.votes}" for r in sorted(self.options, key=lambda r: r.option.label))
        return f"Final tally: {counts}"


@dataclass(frozen=True, slots=True)
class ReviserWins:
    author_id: int
    name: str
    wins: int


@dataclass(frozen=True, slots=True)
class ServerStats:
    """Server-wide sound-off history: who wins, the AI or the members."""

    held: int
    ai_wins: int
    human_wins: int
    ties: int
    no_votes: int
    mean_margin: float | None
    top_revisers: tuple[ReviserWins, ...]


def assign_labels(version_numbers: Sequence[int], seed: int) -> list[tuple[str, int]]:
    """Give the versions blind labels A, B, C… in an order shuffled by ``seed`` (reproducible per sound-off)."""
    if len(version_numbers) > len(string.ascii_uppercase):
        raise ValueError("too many options to label")
    shuffled = list(version_numbers)
    random.Random(seed).shuffle(shuffled)
    return list(zip(string.ascii_uppercase, shuffled, strict=False))


def default_versions(nodes: Iterable[VersionNode]) -> list[int]:
    """The AI draft against the latest human revisions (up to four of them)."""
    nodes = list(nodes)
    drafts = sorted(n.number for n in nodes if n.kind is VersionKind.AI_DRAFT)
    revisions = sorted((n.number for n in nodes if n.kind is VersionKind.HUMAN_REVISION), reverse=True)
    if not drafts:
        raise SoundoffError("This song has no AI draft to compare against: pick the versions with `versions`.")
    if not revisions:
        raise SoundoffError(
            "Nobody has revised this song yet. Submit a revision with /revise, then start the sound-off."
        )
    return [drafts[0], *sorted(revisions[: MAX_OPTIONS - 1])]


def parse_version_list(text: str) -> list[int]:
    """Read the versions a member typed, e.g. ``v1, v3 v4``."""
    try:
        return [parse_version(name) for name in _LIST_SEPARATORS.split(text.strip()) if name]
    except VersionError as error:
        raise SoundoffError(str(error)) from None


def validate_versions(versions: Sequence[int], nodes: Iterable[VersionNode]) -> list[int]:
    """Check a member's choice: 2–5 distinct versions that exist in this song."""
    existing = {n.number for n in nodes}
    seen: set[int] = set()
    for number in versions:
        if number in seen:
            raise SoundoffError(f"v{number} is listed twice: each version can be in a sound-off only once.")
        if number not in existing:
            raise SoundoffError(f"This song has no v{number}. Use /history to see its versions.")
        seen.add(number)
    if len(versions) < MIN_OPTIONS:
        raise SoundoffError(f"A sound-off needs at least {MIN_OPTIONS} versions to compare.")
    if len(versions) > MAX_OPTIONS:
        raise SoundoffError(f"A sound-off compares at most {MAX_OPTIONS} versions: pick fewer.")
    return list(versions)


def validate_duration(hours: float) -> timedelta:
    """Check how long a sound-off stays open: 1 hour to 14 days."""
    duration = timedelta(hours=hours)
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise SoundoffError("A sound-off runs from 1 hour to 14 days (336 hours): pick a length in that range.")
    return duration


def options_for(labelled: Sequence[tuple[str, int]], nodes: Iterable[VersionNode]) -> list[Option]:
    """Attach each labelled version's kind and author, for tallying and the reveal."""
    by_number = {n.number: n for n in nodes}
    return [Option(label, v, by_number[v].kind, by_number[v].author_id, by_number[v].byline) for label, v in labelled]


def tally(options: Sequence[Option], votes: Mapping[int, str]) -> Results:
    """Count votes (member id → label): totals, winner or tie, and the winning margin."""
    counts = {option.label: 0 for option in options}
    for label in votes.values():
        if label not in counts:
            raise ValueError(f"a vote for unknown option {label!r}")
        counts[label] += 1
    total = len(votes)
    ranked = sorted(counts.values(), reverse=True)
    top = ranked[0] if ranked else 0
    leaders = tuple(label for label, n in counts.items() if n == top) if top else ()
    results = tuple(
        OptionResult(option, counts[option.label], counts[option.label] / total if total else 0.0)
        for option in sorted(options, key=lambda o: o.label)
    )
    if len(leaders) == 1:
        runner_up = ranked[1] if len(ranked) > 1 else 0
        return Results(results, total, leaders[0], (), top - runner_up)
    return Results(results, total, None, tuple(sorted(leaders)), 0)


def render_results(results: Results, reveal: bool = True) -> str:
    """The results message; with ``reveal`` the authors are named and the AI's options pointed out."""
    out = [f"**Sound-off results** · {plural(results.total, 'vote')}"]
    for r in results.options:
        trophy = " 🏆" if r.option.label == results.winner else ""
        who = f" · {r.option.describe()}" if reveal else ""
        out.append(f"**{r.option.label}** — {plural(r.votes, 'vote')} ({percent(r.share)}){who}{trophy}")
    if not results.total:
        out.append("No votes were cast.")
    elif results.winner is not None:
        out.append(f"Option {results.winner} wins by {plural(results.margin, 'vote')}.")
    else:
        each = plural(max(r.votes for r in results.options), "vote")
        out.append(f"Tie between {_join(results.tied)} ({each} each).")
    if reveal:
        out.append(_ai_reveal(results))
    return "\n".join(out)


def _ai_reveal(results: Results) -> str:
    ai = [r.option for r in results.options if r.option.by_ai]
    if not ai:
        return "None of the options was written by the AI."
    named = _join([f"option {o.label} ({o.kind.display_name})" for o in ai])
    verdict = ""
    winner = results.winning_option
    if winner is not None:
        verdict = " The AI won this one." if winner.by_ai else " The members' version won."
    return f"The AI wrote {named}.{verdict}"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def stats(closed: Sequence[Results]) -> ServerStats:
    """Summarise a server's closed sound-offs (oldest first, so the latest display names win)."""
    ai_wins = human_wins = ties = no_votes = 0
    margins: list[int] = []
    wins: dict[int, int] = {}
    names: dict[int, str] = {}
    for results in closed:
        winner = results.winning_option
        if not results.total:
            no_votes += 1
        elif winner is None:
            ties += 1
        else:
            margins.append(results.margin)
            if winner.by_ai or winner.author_id is None:  # no member id: nobody to credit but the AI
                ai_wins += 1
            else:
                human_wins += 1
                wins[winner.author_id] = wins.get(winner.author_id, 0) + 1
                names[winner.author_id] = winner.author_name
    top = sorted(
        (ReviserWins(member, names[member], n) for member, n in wins.items()),
        key=lambda r: (-r.wins, r.name.casefold(), r.author_id),
    )[:TOP_REVISERS]
    mean = sum(margins) / len(margins) if margins else None
    return ServerStats(len(closed), ai_wins, human_wins, ties, no_votes, mean, tuple(top))


def render_stats(server: ServerStats) -> str:
    """The ``/soundoff stats`` message."""
    if not server.held:
        return "No sound-offs have closed on this server yet. Start one with /soundoff start."
    out = [f"**Sound-offs on this server** · {server.held} held"]
    out.append(f"AI wins: {server.ai_wins} · member wins: {server.human_wins} · ties: {server.ties}")
    if server.no_votes:
        out.append(f"Closed without votes: {server.no_votes}")
    if server.mean_margin is not None:
        out.append(f"Mean winning margin: {server.mean_margin:.1f} votes")
    if server.top_revisers:
        ranked = [f"{escape_markdown(r.name)} ({plural(r.wins, 'win')})" for r in server.top_revisers]
        out.append("Top revisers: " + " · ".join(ranked))
    return "\n".join(out)
