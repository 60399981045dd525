"""The offline writer's curated material: typed line templates, rhyme families, imagery and the themes' own worlds.

Everything here is read once from ``bot/songwriting/data`` and cached; words are grouped by slot type and syllable
count so a template can be filled to an exact syllable target. Verb phrases are stored in the base form and
inflected with lemminflect ("count the change" → "counted the change"), so no table spells a tense by hand.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

import lemminflect

from bot.songwriting.music.genres import find_genre
from bot.songwriting.words import phrases
from bot.songwriting.words.prosody import count_syllables, function_words
from bot.songwriting.words.theme import inflect, normalise

ENDINGS = ("place", "noun", "adj", "act", "verb", "adv", "time")
ENDED_BY = {
    "place": ("place",),
    "noun": ("noun",),
    "adj": ("adj",),
    "act": ("act",),
    "verb": ("verb", "act"),
    "adv": ("adv",),
    "time": ("time",),
}
"""Rhyme-word categories each ``end:`` template section takes: an act is also a verb. A place is not a noun
("like a highway" reads, "like a ground" does not)."""
ROLES = frozenset({"scene", "move", "turn", "hook"})
TINY = 5
_SLOT = re.compile(r"\{(\w+)\}")
_NUMBERS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "thirty", "hundred"}
    | {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "o'clock"}
)

Vocabulary = dict[str, dict[int, tuple[str, ...]]]
"""Words by slot type, then by syllable count."""


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a template: fixed text, optional text, or a typed slot."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Template:
    """A line pattern; a fragment ("oh, the golden night") never follows a lead. ``roles``/``genres`` limit it."""

    parts: tuple[Part, ...]
    fragment: bool = False
    roles: frozenset[str] = frozenset()
    genres: frozenset[str] = frozenset()
    tiny: bool = False
    """Only for the shortest lines (5 syllables or fewer), where nothing else fits: "Oh, the rain"."""

    def fits(self, role: str, tags: tuple[str, ...], target: int, *, relaxed: bool = False) -> bool:
        """True when the template may end a line of this role and genre; a tiny one also in a last resort."""
        wanted = (not self.roles or role in self.roles) and (not self.genres or bool(self.genres & set(tags)))
        return wanted and (not self.tiny or target <= TINY or relaxed)


@dataclass(frozen=True, slots=True)
class Field:
    """The concrete world of a theme (a pawnshop's ticket, counter and price), split so verses differ."""

    name: str
    things: tuple[str, ...]
    places: tuple[str, ...]
    people: tuple[str, ...]
    acts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Material:
    templates: dict[str, tuple[Template, ...]]
    families: tuple[dict[str, tuple[str, ...]], ...]
    tense_words: dict[str, frozenset[str]]
    imagery: dict[str, Any]
    fields: tuple[tuple[frozenset[str], Field], ...]
    people: frozenset[str]
    kin: frozenset[str]
    theme_verbs: tuple[str, ...]


def fields_for(theme: str) -> list[Field]:
    """The worlds a theme's words belong to, best match first, then the theme's own nouns and people as a world
    of their own; the common world only backs up a theme that matches none."""
    material = load()
    words = [w.lower() for w in phrases.words(normalise(theme))]
    keys = set(words) | {inflect(w, "NN") for w in words} | {_lemma(w) for w in words}
    found = [(len(k & keys), i, f) for i, (k, f) in enumerate(material.fields) if k & keys]
    found.sort(key=lambda row: (-row[0], row[1]))
    chosen = [f for _, _, f in found][:2]
    own = _own_field(words)
    common = next(f for _, f in material.fields if f.name == "common")
    if chosen:  # the theme's own people join a matched world; its nouns are already that world's
        return [*chosen, dataclasses.replace(own, things=(), acts=())]
    return [own, common]


def _own_field(words: list[str]) -> Field:
    """A world made of the theme's own concrete nouns ("motorcycle") and people ("brother")."""
    material = load()
    bare = [w.removesuffix("'s").removesuffix("'") for w in words]
    nouns = [
        _lemma(w)
        for w in bare
        if w.isalpha() and len(w) > 2 and w not in function_words() and _is_noun(w) and not phrases.needs_more(w)
    ]
    people = [n for n in nouns if n in material.people and n not in material.kin]
    things = [n for n in dict.fromkeys(nouns) if n not in material.people]
    acts = [f"{verb} the {thing}" for thing in things for verb in material.theme_verbs]
    return Field("theme", tuple(things), (), tuple(people), tuple(acts))


@functools.lru_cache(maxsize=4096)
def _is_noun(word: str) -> bool:
    found = lemminflect.getAllLemmas(word)
    return "NOUN" in found and "ADJ" not in found and not word.endswith(("ing", "ed")) and word not in _NUMBERS


def field_vocabulary(fields: list[Field], share: int, shares: int, theme: str = "") -> Vocabulary:
    """The field words one section sings: verse ``share`` of ``shares`` gets its own slice of things, so verse 2
    moves on with new images; the first field's words come first, a common world fills in. Where the slices
    start depends on the theme, so two themes of one world (a bakery, a diner) sing different parts of it."""
    words: dict[str, list[str]] = {"thing": [], "spot": [], "person": [], "act": []}
    offset = zlib.crc32(theme.lower().encode())
    for rank, world in enumerate(fields):
        for name, items in (("thing", world.things), ("spot", world.places), ("act", world.acts)):
            if items and (rank == 0 or name != "spot" or not words["spot"]):
                size = max(3 if rank == 0 else 2, -(-len(items) // max(shares, 1)))
                start = (share * size + offset) % len(items)
                words[name].extend((items[start:] + items[:start])[:size])
        words["person"].extend(world.people)
    grouped = {
        "thing": words["thing"],
        "things": [inflect(t, "NNS") if " " not in t else _plural_phrase(t) for t in words["thing"]],
        "spot": words["spot"],
        "person": words["person"],
        "act": words["act"],
        "act_past": [inflect(a, "VBD") for a in words["act"]],
    }
    return {name: by_syllables(items) for name, items in grouped.items()}


def _plural_phrase(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    return f"{head} {inflect(last, 'NNS')}"


@functools.lru_cache(maxsize=4096)
def _lemma(word: str) -> str:
    for upos in ("NOUN", "VERB"):
        found = lemminflect.getAllLemmas(word, upos=upos).get(upos)
        if found:
            return str(found[0])
    return word


def by_syllables(items: list[str]) -> dict[int, tuple[str, ...]]:
    grouped: dict[int, list[str]] = {}
    for item in dict.fromkeys(items):
        grouped.setdefault(syllables(item), []).append(item)
    return {count: tuple(words) for count, words in grouped.items()}


@functools.lru_cache(maxsize=128)
def imagery_vocabulary(mood: str | None, genre: str | None) -> Vocabulary:
    """Group the imagery for a mood and a genre by slot type and syllable count."""
    imagery = load().imagery
    sources = [imagery["common"]]
    mood_key = style(mood)
    found = find_genre(genre)
    if mood_key:
        sources.append(imagery["moods"][mood_key])
    if found is not None and found.genre.value in imagery["genres"]:
        sources.append(imagery["genres"][found.genre.value])
    words: dict[str, list[str]] = {c: [] for c in ("prep", "noun", "nouns", "place", "adj")}
    for source in sources:
        for category in words:
            words[category].extend(source.get(category, []))
    return {category: by_syllables(items) for category, items in words.items()}


def style(mood: str | None) -> str | None:
    """Match a free-text mood to a curated one by name or alias ("sad" is melancholy)."""
    if not mood:
        return None
    wanted = mood.lower()
    for key, entry in load().imagery["moods"].items():
        if any(re.search(rf"\b{re.escape(alias)}\b", wanted) for alias in [key, *entry.get("aliases", [])]):
            return str(key)
    return None


@functools.lru_cache(maxsize=8192)
def syllables(text: str) -> int:
    return count_syllables(text)


@functools.cache
def load() -> Material:
    data = importlib.resources.files("bot.songwriting.data")
    rhymes = json.loads(data.joinpath("rhyme_families.json").read_text("utf-8"))
    imagery = json.loads(data.joinpath("imagery.json").read_text("utf-8"))
    worlds = json.loads(data.joinpath("fields.json").read_text("utf-8"))
    fields = worlds["fields"]
    templates: dict[str, list[Template]] = {}
    section = ""
    for raw in data.joinpath("line_templates.txt").read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            templates[section] = []
        else:
            templates[section].append(parse_template(line))
    return Material(
        templates={k: tuple(v) for k, v in templates.items()},
        families=tuple({c: tuple(f.get(c, ())) for c in ENDINGS} for f in rhymes["families"]),
        tense_words={tense: frozenset(words) for tense, words in rhymes["tense"].items()},
        imagery=imagery,
        fields=tuple(
            (
                frozenset(entry["keys"]) | {name},
                Field(
                    name, tuple(entry["things"]), tuple(entry["places"]), tuple(entry["people"]), tuple(entry["acts"])
                ),
            )
            for name, entry in fields.items()
        ),
        people=frozenset(worlds["people"]),
        kin=frozenset(worlds["kin"]),
        theme_verbs=tuple(worlds["theme_verbs"]),
    )


def parse_template(line: str) -> Template:
    tags: list[str] = []
    while line.startswith("@"):
        tag, _, line = line.partition(" ")
        tags.append(tag[1:])
        line = line.strip()
    parts: list[Part] = []
    for token in re.findall(r"\([^)]*\)|\S+", line.removeprefix("!")):
        if token.startswith("("):
            parts.append(Part("optional", token[1:-1]))
        elif (slot := _SLOT.fullmatch(token.rstrip(","))) is not None:
            parts.append(Part("slot", slot.group(1)))
            if token.endswith(","):
                parts.append(Part("text", ","))
        else:
            parts.append(Part("text", token))
    roles = frozenset(t for t in tags if t in ROLES)
    genres = frozenset(tags) - roles - {"tiny"}
    return Template(tuple(parts), line.startswith("!"), roles, genres, "tiny" in tags)
