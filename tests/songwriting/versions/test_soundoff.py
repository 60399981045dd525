"""Sound-off rules: blind labels, default versions, validation, tallies, results and server stats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.songwriting.versions.revisions import VersionNode
from bot.songwriting.versions.soundoff import (
    Option,
    Results,
    SoundoffError,
    assign_labels,
    default_versions,
    options_for,
    parse_version_list,
    render_results,
    render_stats,
    stats,
    tally,
    validate_duration,
    validate_versions,
)
from bot.songwriting.words.lyrics import Lyrics, Section

ANA, BO = 101, 102
TEXT = Lyrics("Song", (Section("Verse", ("a line",)),))


def node(number: int, kind: str, author: tuple[int, str] | None = None, parent: int | None = 1) -> VersionNode:
    author_id, name = author or (None, "AI")
    return VersionNode(number, None if number == 1 else parent, author_id, name, kind, TEXT, False)


def song(*revisions: int) -> list[VersionNode]:
    """v1 AI draft plus human revisions by Ana at the given numbers, AI variations at the others up to the max."""
    top = max(revisions, default=1)
    return [node(1, "ai-draft")] + [
        node(n, "human-revision", (ANA, "Ana")) if n in revisions else node(n, "ai-variation")
        for n in range(2, top + 1)
    ]


def test_labels_are_letters_in_a_seeded_order() -> None:
    """The same seed gives the same blind order; labels run A, B, C."""
    first = assign_labels([1, 4, 7], seed=42)
    assert first == assign_labels([1, 4, 7], seed=42)
    assert [label for label, _ in first] == ["A", "B", "C"]
    assert sorted(v for _, v in first) == [1, 4, 7]


def test_labels_hide_the_order_versions_were_given() -> None:
    """Across seeds the AI draft doesn't always land on A."""
    assert {dict((v, label) for label, v in assign_labels([1, 2, 3], seed=s))[1] for s in range(30)} == {"A", "B", "C"}


def test_default_is_the_ai_draft_against_the_latest_four_revisions() -> None:
    """v1 plus the four newest human revisions, oldest first; AI variations are left out."""
    assert default_versions(song(2, 3, 5, 6, 8, 9)) == [1, 5, 6, 8, 9]


def test_default_with_one_revision_compares_two_versions() -> None:
    """A single revision against the draft is enough."""
    assert default_versions(song(2)) == [1, 2]


def test_default_without_revisions_tells_the_member_what_to_do() -> None:
    """No human revision yet: the error points at /revise."""
    with pytest.raises(SoundoffError, match="/revise"):
        default_versions(song())


def test_default_without_an_ai_draft_asks_for_versions() -> None:
    """A song with no AI draft needs the versions named."""
    nodes = [node(1, "human-revision", (ANA, "Ana")), node(2, "human-revision", (BO, "Bo"))]
    with pytest.raises(SoundoffError, match="versions"):
        default_versions(nodes)


def test_version_list_is_read_from_member_text() -> None:
    """Commas, spaces and the v prefix are all accepted."""
    assert parse_version_list(" v1, v3 4;V5 ") == [1, 3, 4, 5]


def test_version_list_with_a_bad_name_is_a_soundoff_error() -> None:
    """A typo surfaces as a member-readable SoundoffError."""
    with pytest.raises(SoundoffError, match="isn't a version name"):
        parse_version_list("v1, vx")


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        ([1], "at least 2"),
        ([1, 2, 3, 4, 5, 6], "at most 5"),
        ([1, 2, 2], "listed twice"),
        ([1, 9], "no v9"),
    ],
)
def test_invalid_version_choices_are_refused(versions: list[int], message: str) -> None:
    """Too few, too many, repeated or unknown versions each get their own message."""
    with pytest.raises(SoundoffError, match=message):
        validate_versions(versions, song(2, 3, 4, 5, 6))


def test_valid_version_choice_is_kept_in_order() -> None:
    """Two to five distinct existing versions pass unchanged."""
    assert validate_versions([3, 1, 5], song(2, 3, 4, 5)) == [3, 1, 5]


@pytest.mark.parametrize(("hours", "ok"), [(0.5, False), (1, True), (24, True), (336, True), (337, False)])
def test_duration_runs_from_an_hour_to_two_weeks(hours: float, ok: bool) -> None:
    """1 h and 14 days are the inclusive bounds."""
    if ok:
        assert validate_duration(hours) == timedelta(hours=hours)
    else:
        with pytest.raises(SoundoffError, match="1 hour to 14 days"):
            validate_duration(hours)


def options() -> list[Option]:
    nodes = [node(1, "ai-draft"), node(3, "human-revision", (ANA, "Ana")), node(4, "human-revision", (BO, "Bo"))]
    return options_for([("A", 3), ("B", 1), ("C", 4)], nodes)


def test_options_carry_kind_and_author() -> None:
    """Each labelled version knows its kind and author; only the draft is the AI's."""
    assert [(o.label, o.version, o.by_ai, o.author_id) for o in options()] == [
        ("A", 3, False, ANA),
        ("B", 1, True, None),
        ("C", 4, False, BO),
    ]


def test_tally_counts_votes_and_finds_the_winner() -> None:
    """Votes per option, total, the winner and its margin over the runner-up."""
    results = tally(options(), {1: "A", 2: "A", 3: "B", 4: "A", 5: "C"})
    assert [(r.option.label, r.votes) for r in results.options] == [("A", 3), ("B", 1), ("C", 1)]
    assert (results.total, results.winner, results.tied, results.margin) == (5, "A", (), 2)
    assert results.ai_labels == ("B",)


def test_tally_reports_a_tie() -> None:
    """Equal top counts are a tie between those labels, with no winner."""
    results = tally(options(), {1: "A", 2: "C", 3: "B", 4: "C", 5: "A"})
    assert (results.winner, results.tied, results.margin) == (None, ("A", "C"), 0)


def test_tally_without_votes_has_no_winner() -> None:
    """No votes: no winner, no tie."""
    results = tally(options(), {})
    assert (results.total, results.winner, results.tied) == (0, None, ())


def test_tally_refuses_a_vote_for_a_missing_option() -> None:
    """A vote must name one of the options."""
    with pytest.raises(ValueError, match="'Z'"):
        tally(options(), {1: "Z"})


def test_results_reveal_authors_and_the_ai() -> None:
    """At close the message names each version's author and which option the AI wrote."""
    text = render_results(tally(options(), {1: "B", 2: "B", 3: "A"}))
    assert text == (
        "**Sound-off results** · 3 votes\n"
        "**A** — 1 vote (33 %) · v3 by Ana\n"
        "**B** — 2 votes (67 %) · v1, the AI draft 🏆\n"
        "**C** — 0 votes (0 %) · v4 by Bo\n"
        "Option B wins by 1 vote.\n"
        "The AI wrote option B (AI draft). The AI won this one."
    )


def test_blind_results_hide_authors() -> None:
    """Without reveal, neither versions, authors nor the AI's option are shown."""
    text = render_results(tally(options(), {1: "A", 2: "C"}), reveal=False)
    assert text == (
        "**Sound-off results** · 2 votes\n"
        "**A** — 1 vote (50 %)\n"
        "**B** — 0 votes (0 %)\n"
        "**C** — 1 vote (50 %)\n"
        "Tie between A and C (1 vote each)."
    )


def test_results_without_votes_say_so() -> None:
    """A sound-off nobody voted in reads as such."""
    assert "No votes were cast." in render_results(tally(options(), {}))


def closed_history() -> list[Results]:
    opts = options()
    return [
        tally(opts, {1: "A", 2: "A", 3: "B"}),  # Ana wins by 1
        tally(opts, {1: "B", 2: "B", 3: "B", 4: "C"}),  # the AI wins by 2
        tally(opts, {1: "C", 2: "C", 3: "C", 4: "C", 5: "A"}),  # Bo wins by 3
        tally(opts, {1: "A", 2: "B"}),  # tie
        tally(opts, {}),  # nobody voted
        tally(opts, {1: "A", 2: "A", 3: "A", 4: "A"}),  # Ana wins by 4
    ]


def test_stats_split_ai_wins_member_wins_and_ties() -> None:
    """Held, AI wins, member wins, ties and silent sound-offs are counted apart; margin averages decided ones."""
    server = stats(closed_history())
    assert (server.held, server.ai_wins, server.human_wins, server.ties, server.no_votes) == (6, 1, 3, 1, 1)
    assert server.mean_margin == pytest.approx((1 + 2 + 3 + 4) / 4)


def test_stats_rank_revisers_by_wins() -> None:
    """Top revisers are members ranked by sound-offs won; the AI is never among them."""
    assert [(r.author_id, r.name, r.wins) for r in stats(closed_history()).top_revisers] == [
        (ANA, "Ana", 2),
        (BO, "Bo", 1),
    ]


def test_render_stats() -> None:
    """The stats message sums up the server's sound-offs."""
    assert render_stats(stats(closed_history())) == (
        "**Sound-offs on this server** · 6 held\n"
        "AI wins: 1 · member wins: 3 · ties: 1\n"
        "Closed without votes: 1\n"
        "Mean winning margin: 2.5 votes\n"
        "Top revisers: Ana (2 wins) · Bo (1 win)"
    )


def test_render_stats_before_any_sound_off() -> None:
    """An empty history invites the first sound-off."""
    assert "/soundoff start" in render_stats(stats([]))
