"""Sound-offs as JSON for the page: the ballot (blind until it closes), the results with the reveal, the stats.

Blindness is kept here, on the server: while a blind sound-off is open nothing the page receives says which
option is which version or who wrote it (a look at the page's network traffic reveals nothing either).
"""

from __future__ import annotations

from bot.playground.views import Json
from bot.songwriting.versions.soundoff import Option, Results, ServerStats
from bot.songwriting.words.text import percent, plural, truncate
from bot.workshop.records import Soundoff, Version

EXCERPT_CHARS = 700
"""As much of an option's lyrics as its Discord embed shows."""


def describe(version: Version) -> str:
    """Who wrote an option, for open sound-offs and the reveal: ``v3 by Ana`` or ``v1, the AI draft``."""
    if version.by_ai:
        return f"{version.label}, the {version.kind.display_name}"
    return f"{version.label} by {version.author_name}"


def soundoff_view(
    soundoff: Soundoff,
    *,
    title: str,
    versions: dict[int, Version],
    votes: int,
    closes_at: float,
    opened_at: float | None,
    results: Results | None,
) -> Json:
    """A sound-off as its message shows it: options, the vote count (never tallies while open), then results."""
    reveal = not soundoff.blind or not soundoff.is_open
    heard = any(v.melody is not None for v in versions.values())  # a song with music: every option is heard
    options: list[Json] = []
    for stored in soundoff.options:
        version = versions.get(stored.version_number)
        lyrics = version.lyrics.to_body() if version and version.lyrics and not version.lyrics.is_empty() else None
        shown: Json = {
            "label": stored.label,
            "lyrics": truncate(lyrics, EXCERPT_CHARS) if lyrics else None,
            "audio": f"/api/soundoffs/{soundoff.id}/options/{stored.label}/preview.ogg" if heard else None,
        }
        if reveal and version is not None:
            shown |= {"version": version.label, "who": describe(version), "by_ai": version.by_ai}
        options.append(shown)
    return {
        "id": soundoff.id,
        "song_id": soundoff.song_id,
        "title": title,
        "blind": soundoff.blind,
        "open": soundoff.is_open,
        "votes": votes,
        "closes_at": closes_at,
        "opened_at": opened_at,
        "closed_at": soundoff.closed_at,
        "options": options,
        "results": results_view(soundoff, results) if results is not None else None,
    }


def results_view(soundoff: Soundoff, results: Results) -> Json:
    """The tally with the reveal: who wrote each option, which the AI wrote, and who won."""
    return {
        "total": results.total,
        "tally": results.tally(),
        "winner": results.winner,
        "tied": list(results.tied),
        "summary": _summary(results),
        "reveal": _reveal(results),
        "chart": f"/api/soundoffs/{soundoff.id}/chart.png",
        "options": [
            {
                "label": r.option.label,
                "votes": r.votes,
                "share": r.share,
                "percent": percent(r.share),
                "who": _who(r.option),
                "by_ai": r.option.by_ai,
                "winner": r.option.label == results.winner,
            }
            for r in results.options
        ],
    }


def _who(option: Option) -> str:
    if option.by_ai:
        return f"v{option.version}, the {option.kind.display_name}"
    return f"v{option.version} by {option.author_name}"


def _summary(results: Results) -> str:
    if not results.total:
        return "No votes were cast."
    if results.winner is not None:
        return f"Option {results.winner} wins by {plural(results.margin, 'vote')}."
    each = plural(max(r.votes for r in results.options), "vote")
    return f"Tie between {_join(results.tied)} ({each} each)."


def _reveal(results: Results) -> str:
    """Which options the AI wrote, and whether the AI or the members won (the results message's last line)."""
    ai = [r.option for r in results.options if r.option.by_ai]
    if not ai:
        return "None of the options was written by the AI."
    named = _join([f"option {o.label} ({o.kind.display_name})" for o in ai])
    winner = results.winning_option
    verdict = "" if winner is None else " The AI won this one." if winner.by_ai else " The members' version won."
    return f"The AI wrote {named}.{verdict}"


def _join(items: list[str] | tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def stats_view(stats: ServerStats) -> Json:
    """``/soundoff stats``: does the human touch win?"""
    return {
        "held": stats.held,
        "ai_wins": stats.ai_wins,
        "human_wins": stats.human_wins,
        "ties": stats.ties,
        "no_votes": stats.no_votes,
        "mean_margin": stats.mean_margin,
        "top_revisers": [{"name": r.name, "wins": r.wins} for r in stats.top_revisers],
    }
