"""The theme as typed pieces (words.theme): what each piece is decides which frames may sing it."""

from __future__ import annotations

import pytest

from bot.songwriting.words.theme import Kind, Tense, normalise, theme_chunks


@pytest.mark.parametrize(
    ("theme", "text", "kind", "tense"),
    [
        ("the pawnshop on fifth street", "the pawnshop on fifth street", Kind.NOUN, Tense.NONE),
        ("the mine closed", "the mine closed", Kind.CLAUSE, Tense.PAST),
        ("the ferry stopped running", "the ferry stopped running", Kind.CLAUSE, Tense.PAST),
        ("I pawned my guitar", "I pawned my guitar", Kind.CLAUSE, Tense.PAST),
        ("pawned my guitar for the rent money", "pawned my guitar", Kind.ACTION, Tense.PAST),
        ("tell me", "tell me", Kind.ACTION, Tense.BASE),
        ("the rent is due on friday", "the rent is due on friday", Kind.CLAUSE, Tense.PRESENT),
        ("leaving home", "leaving home", Kind.NOUN, Tense.NONE),
        ("the farmer prays for rain", "the farmer prays for rain", Kind.CLAUSE, Tense.PRESENT),
        ("late night bus rides", "late night bus rides", Kind.NOUN, Tense.NONE),
    ],
)
def test_pieces_are_typed(theme: str, text: str, kind: Kind, tense: Tense) -> None:
    """Noun phrases, clauses with their tense and subjectless verb phrases with their form are told apart."""
    chunk = next(c for c in theme_chunks(theme, 7) if c.text == text)
    assert (chunk.kind, chunk.tense) == (kind, tense)


def test_a_verb_keeps_its_object() -> None:
    """A cut never leaves a verb without its object ("the landlord raised" | "the rent")."""
    texts = [c.text for c in theme_chunks("the old landlord finally raised the rent again", 6)]
    assert not any(text.endswith("raised") for text in texts), texts


def test_frames_follow_the_type() -> None:
    """Each piece names the template section of its type."""
    assert theme_chunks("the mine closed", 8)[0].frame == "frame:clause:past"
    assert theme_chunks("pawned my guitar", 8)[0].frame == "frame:action:past"
    assert theme_chunks("the coat on the hook", 8)[0].frame == "frame:noun"


def test_clock_times_and_digits_are_spelled() -> None:
    """'4 am' is sung "four o'clock", never "4 an m"; request wording is dropped."""
    assert normalise("4 am diner") == "four o'clock diner"
    assert normalise("write a song about 2 dogs") == "two dogs"


def test_a_bare_singular_noun_phrase_takes_the() -> None:
    """ "kitchen radio" is sung "the kitchen radio"; names, plurals and gerunds stay as they are."""
    assert theme_chunks("kitchen radio", 8)[0].text == "the kitchen radio"
    assert theme_chunks("fifth street", 8)[0].text == "fifth street"
    assert theme_chunks("late trains", 8)[0].text == "late trains"
    assert theme_chunks("leaving home", 8)[0].text == "leaving home"
    assert theme_chunks("friday", 8)[0].text == "friday"


def test_cuts_leave_no_broken_noun_phrase() -> None:
    """A cut never leaves "a coming home"; a street name takes no "the"; an owner keeps its phrase bare."""
    assert [c.text for c in theme_chunks("a soldier coming home", 4)] == ["coming home"]
    assert "main street" in [c.text for c in theme_chunks("a barber shop on main street", 6)]
    assert theme_chunks("grandpa's fishing boat", 8)[0].text == "grandpa's fishing boat"
