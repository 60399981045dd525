"""The offline writer: a usable first draft from curated material, with no key and no network.

Lines come from reviewable templates in ``data/line_templates.txt`` filled with imagery for the brief's mood
and genre (``data/imagery.json``) and ended on rhyme words grouped by sound (``data/rhyme_families.json``).
Each line is fitted to the syllable target exactly when it can be (±1 otherwise) by choosing, slot by slot,
words whose syllable counts add up. The member's theme is cut into short chunks: the first is the hook (the
chorus's first line and the title), the rest are spread over the verses, so the theme's own words are sung.
Everything is drawn from one ``random.Random`` seeded by the brief, so a seed always gives the same song.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import itertools
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.songwriting.words import phrases
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import count_syllables, function_words, pronunciations
from bot.songwriting.words.rhyme import FREE, end_word, rhyme_kind

WRITER_NAME = "offline writer"
ENDINGS = ("place", "noun", "adj", "act", "verb", "adv", "time")
_ENDED_BY = {
    "place": ("place",),
    "noun": ("noun", "place"),
    "adj": ("adj",),
    "act": ("act",),
    "verb": ("verb", "act"),
    "adv": ("adv", "time"),
}
"""Rhyme-word categories each ``end:`` template section takes: a place is also a noun, an act also a verb."""

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_INTRO = re.compile(
    r"^\s*(?:(?:please\s+)?(?:write|make|compose)\s+(?:me\s+)?)?(?:an?\s+)?"
    r"(?:(?:[\w-]+\s+)?(?:song|tune|ballad|track|anthem|lullaby)\s+(?:about|for|of|on)\s+|about\s+)",
    re.IGNORECASE,
)
_SLOT = re.compile(r"\{(\w+)\}")
_ARTICLE = re.compile(r"\b([Aa]) (?=([^\W_][\w'-]*))")
_DROPPED_LEADS = frozenset(
    {"and", "or", "but", "of", "from", "to", "at", "with", "for", "by", "about", "as", "so", "in", "on", "into"}
    | {"when", "while", "where", "because", "if", "than", "until", "till", "though", "although", "once"}
)


@dataclass(frozen=True, slots=True)
class _Part:
    """A piece of a template: fixed text, optional text, or a slot filled from the vocabulary."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class _Template:
    """A line pattern; a fragment ("oh, the golden night") never follows a lead clause."""

    parts: tuple[_Part, ...]
    fragment: bool = False


@dataclass(frozen=True, slots=True)
class _Material:
    templates: dict[str, tuple[_Template, ...]]
    families: tuple[dict[str, tuple[str, ...]], ...]
    imagery: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ThemeChunk:
    """A run of the theme's words sung as one unit; a clause ("we lost the war") takes other frames."""

    text: str
    clause: bool
    bare: bool = False
    """A verb phrase with no subject ("tell me"): sung alone or after "oh", never inside "I remember …"."""


@dataclass(slots=True)
class _Song:
    """What the writer needs while writing one song."""

    rng: random.Random
    vocabulary: dict[str, dict[int, tuple[str, ...]]]
    target: int
    used: set[str] = field(default_factory=set)
    used_families: set[int] = field(default_factory=set)
    section_templates: set[int] = field(default_factory=set)


def write(brief: Brief) -> Lyrics:
    """Write a whole song for the brief: its form, rhyme scheme, syllable target and theme."""
    rng = random.Random(
        f"{brief.seed}|{brief.theme}|{brief.genre}|{brief.mood}|{brief.form}|{brief.rhyme_scheme}|{brief.syllables}"
    )
    vocabulary = _vocabulary(_style(brief.mood, "moods"), _style(brief.genre, "genres"))
    song = _Song(rng=rng, vocabulary=vocabulary, target=brief.syllables)
    chunks = theme_chunks(brief.theme, max(2, brief.syllables - 2))
    hook = chunks[0] if chunks else None
    scheme = brief.section_scheme
    labels = FORMS[brief.form]
    refrain_labels = {label for label in labels if labels.count(label) > 1}
    verse_labels = [label for label in dict.fromkeys(labels) if label not in refrain_labels and label != "Bridge"]
    extras = _spread(chunks[1:], len(verse_labels))
    written: dict[str, Section] = {}
    for label in dict.fromkeys(labels):
        assigned: dict[int, ThemeChunk] = {}
        if label in refrain_labels and hook:
            assigned[0] = hook
            echoes = [i for i, mark in enumerate(scheme) if i > 0 and mark == scheme[0] != FREE]
            if echoes:
                assigned[echoes[-1]] = hook
        elif label in verse_labels:
            slots = iter(range(0, len(scheme), 2))
            assigned.update(zip(slots, extras[verse_labels.index(label)], strict=False))
            if not refrain_labels and hook:
                assigned[len(scheme) - 1] = hook
        written[label] = Section(label, _write_section(scheme, assigned, song))
    title = _title(hook) if hook else _title(ThemeChunk(f"the {song.rng.choice(_all(song, 'noun'))}", clause=False))
    return Lyrics(title=title, sections=tuple(written[label] for label in labels))


def vary_section(brief: Brief, lyrics: Lyrics, section_index: int) -> Lyrics:
    """Rewrite one section (every copy of it, for a chorus) with lines from another seed; keep the rest."""
    target = lyrics.sections[section_index]
    for step in range(1, 9):
        fresh_song = write(dataclasses.replace(brief, seed=brief.seed + step * 7919 + section_index))
        same_label = [s for s in fresh_song.sections if s.label == target.label]
        fresh = same_label[0] if same_label else fresh_song.sections[section_index % len(fresh_song.sections)]
        if fresh.lines != target.lines:
            varied = Section(target.label, fresh.lines)
            return Lyrics(lyrics.title, tuple(varied if s == target else s for s in lyrics.sections))
    return lyrics


def theme_chunks(theme: str, budget: int) -> list[ThemeChunk]:
    """Cut the theme into whole phrases of at most ``budget`` syllables; the most contentful one leads.

    Cuts fall only at phrase boundaries (before a preposition, conjunction, relative word or subject
    pronoun; see ``words.phrases``). A noun phrase too long for a line loses words from its front, which
    leaves a smaller noun phrase ("a lighthouse keeper's last night" → "lighthouse keeper's last night"); a
    clause too long is cut at its weakest bond that leaves no dangling word, or loses its tail.
    """
    text = _INTRO.sub("", theme.replace("\u2019", "'"), count=1)
    words = phrases.words(text) or phrases.words(theme.replace("\u2019", "'"))
    words = ["I" if word == "i" else word for word in words]
    groups: list[list[str]] = []
    for i, word in enumerate(words):
        if not groups or phrases.bond(words[i - 1], word) <= 2:
            groups.append([])
        groups[-1].append(word)
    merged: list[list[str]] = []
    for group in groups:  # whole phrases stay together while they fit one line
        if merged and _syllables(" ".join([*merged[-1], *group])) <= budget:
            merged[-1].extend(group)
        else:
            merged.append(group)
    chunks: list[ThemeChunk] = []
    pending = merged
    while pending:
        run = pending.pop(0)
        while len(run) > 1 and (run[0].lower() in _DROPPED_LEADS or run[0].lower() in phrases.PREPOSITIONS):
            run = run[1:]
        while run and phrases.needs_more(run[-1]):
            run = run[:-1]
        if not run or run[0].lower() in phrases.RELATIVES:
            continue  # a relative clause that did not fit beside its noun means nothing alone ("that never sleeps")
        if _syllables(" ".join(run)) > budget:
            run, rest = _fit_phrase(run, budget)
            if rest:
                pending.insert(0, rest)
            if not run:
                continue
        chunks.append(ThemeChunk(" ".join(run), clause=phrases.is_clause(run), bare=phrases.is_bare(run)))
    found = [c for c in chunks if phrases.phrase_words(c.text.split()) > 0] or chunks
    if found:
        lead = next((c for c in found if phrases.phrase_words(c.text.split()) >= 2), found[0])
        found = [lead, *(c for c in found if c is not lead)]
    return found


def _fit_phrase(run: list[str], budget: int) -> tuple[list[str], list[str]]:
    """Shorten a phrase to the budget without breaking it; return it and any clause tail to sing apart."""
    if phrases.is_clause(run):
        cuts = [
            i
            for i in range(1, len(run))
            if phrases.bond(run[i - 1], run[i]) <= 4
            and not phrases.needs_more(run[i - 1])
            and _syllables(" ".join(run[:i])) <= budget
        ]
        if cuts:
            best = min(cuts, key=lambda i: (phrases.bond(run[i - 1], run[i]), -i))
            return run[:best], run[best:]
        while len(run) > 1 and (_syllables(" ".join(run)) > budget or phrases.needs_more(run[-1])):
            run = run[:-1]
        return run, []
    # A noun phrase keeps its determiner and loses the modifiers after it: "a lighthouse keeper's last night"
    # → "a keeper's last night", "my grandmother's kitchen radio" → "my kitchen radio".
    lead = run[:1] if run[0].lower() in phrases.DETERMINERS | phrases.POSSESSIVES else []
    body = run[len(lead) :]
    while len(body) > 1 and _syllables(" ".join([*lead, *body])) > budget:
        if phrases.is_possessive(body[0]):
            lead = []  # the determiner belonged to the owner just dropped ("a keeper's")
        body = body[1:]
    return [*lead, *body] if _syllables(" ".join([*lead, *body])) <= budget else body, []


def _spread(chunks: Sequence[ThemeChunk], verses: int) -> list[list[ThemeChunk]]:
    shares: list[list[ThemeChunk]] = [[] for _ in range(max(verses, 1))]
    for i, chunk in enumerate(chunks):
        shares[i % len(shares)].append(chunk)
    return shares


def _title(chunk: ThemeChunk) -> str:
    words = chunk.text.split()
    small = function_words()
    return " ".join(
        w if w[:1].isupper() or (0 < i < len(words) - 1 and w.lower() in small) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def _write_section(scheme: str, assigned: dict[int, ThemeChunk], song: _Song) -> tuple[str, ...]:
    """Write one section: each rhyme group shares a sound; theme chunks take their assigned lines."""
    song.section_templates.clear()
    lines: dict[int, str] = {}
    anchors: list[str] = []
    for letter in dict.fromkeys(scheme):
        indices = [i for i, mark in enumerate(scheme) if mark == letter]
        if letter == FREE:
            for i in indices:
                chunk = assigned.get(i)
                theme = _theme_line(chunk, None, song) if chunk else ""
                lines[i] = theme or _rhymed_line(_family_pool(song, 1, anchors), [], song, None, last_resort=True)
            continue
        lines.update(_write_group(indices, assigned, song, anchors))
        anchors.append(end_word(lines[indices[0]]) or "")
    return tuple(lines[i] for i in range(len(scheme)))


def _write_group(
    indices: list[int], assigned: dict[int, ThemeChunk], song: _Song, anchors: list[str]
) -> dict[int, str]:
    """Write lines that must rhyme together: on the first theme chunk's own sound if the material allows it,
    else on a fresh rhyme family (theme chunks then end on a rhyming word, or give way); the last try
    accepts lines off the syllable target rather than fail."""
    themed = [i for i in indices if i in assigned]
    tries = (["anchor"] if themed else []) + ["family", "family", "last resort"]
    for attempt in tries:
        saved = set(song.used)
        lines: dict[int, str] = {}
        ends: list[str] = []
        if attempt == "anchor":
            anchor = end_word(assigned[themed[0]].text) or ""
            pool = [(w, c) for w, c in _pool_for(anchor, song) if w not in song.used]
            line = _theme_line(assigned[themed[0]], None, song) if len(pool) >= len(indices) - 1 else ""
            if not line:
                continue
            lines[themed[0]] = line
            ends.append(end_word(line) or "")
        else:
            pool = _family_pool(song, len(indices), anchors, times=len(themed))
        for i in indices:
            if i not in lines:
                lines[i] = _rhymed_line(pool, ends, song, assigned.get(i), last_resort=attempt == "last resort")
                ends.append(end_word(lines[i]) or "")
        if all(lines.values()):
            return lines
        song.used = saved
    raise AssertionError("unreachable: the last resort always writes a line")


def _pool_for(anchor: str, song: _Song) -> list[tuple[str, str]]:
    """Return curated ending words that rhyme with a theme word, perfect rhymes first."""
    perfect: list[tuple[str, str]] = []
    slant: list[tuple[str, str]] = []
    for family in _material().families:
        for category in ENDINGS:
            for word in family[category]:
                last = end_word(word)
                kind = rhyme_kind(anchor, last) if last and last.lower() != anchor.lower() else None
                if kind in ("perfect", "identical"):
                    perfect.append((word, category))
                elif kind == "slant":
                    slant.append((word, category))
    song.rng.shuffle(perfect)
    song.rng.shuffle(slant)
    return perfect + slant


def _family_pool(song: _Song, need: int, anchors: Sequence[str], times: int = 0) -> list[tuple[str, str]]:
    """Pick an unused rhyme family with enough fresh words that does not rhyme with the section's other groups.

    ``times`` asks for that many fresh when-words ("tonight"), to close lines that carry the theme.
    """
    families = list(enumerate(_material().families))
    song.rng.shuffle(families)
    fallback: list[tuple[str, str]] = []
    for index, family in families:
        pool = [(w, c) for c in ENDINGS for w in family[c] if w not in song.used]
        if len(pool) < need or any(rhyme_kind(end_word(pool[0][0]) or "", anchor) for anchor in anchors):
            continue
        if sum(c == "time" for _, c in pool) < times:
            fallback = fallback or pool
            continue
        song.rng.shuffle(pool)
        if index not in song.used_families:
            song.used_families.add(index)
            return pool
        fallback = fallback or pool
    return fallback


def _rhymed_line(
    pool: Sequence[tuple[str, str]], ends: Sequence[str], song: _Song, chunk: ThemeChunk | None, *, last_resort: bool
) -> str:
    """Write a line ending on a fresh pool word that rhymes with every end already in its group.

    A theme chunk is sung as it is when its own last word rhymes (a hook repeated at the end of a chorus),
    else with a rhyming word after it ("... tonight"); failing both, the line is plain imagery. Empty when
    nothing fits, unless ``last_resort``, which takes the nearest syllable count and pads it.
    """
    if chunk is not None:
        last = end_word(chunk.text) or ""
        line = _theme_line(chunk, None, song) if ends and all(rhyme_kind(last, e) for e in ends) else ""
        if line:
            return line
    taken = {e.lower() for e in ends}
    fitting = [
        (word, category)
        for word, category in pool
        if word not in song.used
        and (end_word(word) or "").lower() not in taken
        and all(rhyme_kind(end_word(word) or "", e) for e in ends)
    ]
    for tolerance in (0, 1):
        for word, category in fitting:
            if chunk is not None and category == "time" and (line := _theme_line(chunk, word, song, tolerance)):
                song.used.add(word)
                return line
    for tolerance in (0, 1):
        for word, category in fitting:
            if line := _fit(_shuffled(_templates(category), song), {"END": word}, song, tolerance):
                song.used.add(word)
                return line
    if not last_resort:
        return ""
    # Out of fresh rhymes (a long AAAA section with no theme words of its own): reuse one rather than fail.
    rhyming = [(w, c) for w, c in pool if all(rhyme_kind(end_word(w) or "", e) for e in ends)]
    candidates = fitting or rhyming or list(pool)
    if not candidates:
        return ""
    word, category = candidates[0]
    song.used.add(word)
    return _pad(_fit(_templates(category), {"END": word}, song, 99), song.target)


def _theme_line(chunk: ThemeChunk, suffix: str | None, song: _Song, tolerance: int = 1) -> str:
    """Sing a theme chunk inside a frame ("I remember …"), optionally followed by a rhyme word."""
    kind = "frame:bare" if chunk.bare else "frame:clause" if chunk.clause else "frame:phrase"
    echoed = {w.lower() for w in chunk.text.split() if w.lower() not in function_words()}
    frames = [f for f in _shuffled(_material().templates[kind], song) if not echoed & _frame_words(f)]
    if suffix is not None:
        frames = [_Template((*frame.parts, _Part("text", suffix)), frame.fragment) for frame in frames]
    fixed = {"T": chunk.text}
    return next((line for t in range(tolerance + 1) if (line := _fit(frames, fixed, song, t))), "")


def _frame_words(template: _Template) -> set[str]:
    """The fixed words of a frame, so a chunk is never sung inside a frame that repeats it ("tell me about tell me")."""
    return {w.lower().strip(",") for p in template.parts if p.kind in ("text", "optional") for w in p.value.split()}


def _fit(templates: Sequence[_Template], fixed: dict[str, str], song: _Song, tolerance: int) -> str:
    """Fill the first template that reaches the target within ``tolerance``, trying each alone, then after a lead."""
    for template in templates:
        if line := _fill(template.parts, fixed, song, tolerance):
            song.section_templates.add(id(template))
            return line
    leads = _shuffled(_material().templates["lead"], song)
    for lead, template in itertools.product(leads, templates):
        if not template.fragment and (line := _fill((*lead.parts, *template.parts), fixed, song, tolerance)):
            song.section_templates.update((id(lead), id(template)))
            return line
    return ""


def _shuffled(items: Sequence[_Template], song: _Song) -> list[_Template]:
    """Shuffle templates, those not yet used in this section first, so neighbouring lines differ."""
    order = song.rng.sample(list(items), len(items))
    return sorted(order, key=lambda t: id(t) in song.section_templates)


def _fill(template: tuple[_Part, ...], fixed: dict[str, str], song: _Song, tolerance: int) -> str:
    """Choose words slot by slot so the syllables add up to the target; empty when the template cannot fit."""
    groups: list[dict[int, tuple[str, ...]]] = []
    for part in template:
        if part.kind == "slot" and part.value in fixed:
            groups.append({_syllables(fixed[part.value]): (fixed[part.value],)})
        elif part.kind == "slot":
            groups.append(song.vocabulary[part.value])
        elif part.kind == "optional":
            groups.append({0: ("",), _syllables(part.value): (part.value,)})
        else:
            groups.append({_syllables(part.value): (part.value,)})
    reach: list[set[int]] = [set() for _ in groups] + [{0}]
    for i in range(len(groups) - 1, -1, -1):
        reach[i] = {count + rest for count in groups[i] for rest in reach[i + 1]}
    goals = [song.target + d for n in range(tolerance + 1) for d in dict.fromkeys((-n, n))]
    goal = next((g for g in goals if g in reach[0]), None)
    if goal is None:
        return ""
    words: list[str] = []
    for i, group in enumerate(groups):
        counts = [c for c in group if goal - c in reach[i + 1]]
        fresh_counts = [c for c in counts if any(w not in song.used and w not in words for w in group[c])]
        count = song.rng.choice(fresh_counts or counts)
        goal -= count
        fresh = [w for w in group[count] if w not in song.used and w not in words]
        words.append(song.rng.choice(fresh or group[count]))
    song.used.update(w for w, p in zip(words, template, strict=True) if p.kind == "slot")
    return _finish(" ".join(w for w in words if w))


def _finish(line: str) -> str:
    line = _ARTICLE.sub(lambda m: m.group(1) + ("n " if _vowel_sound(m.group(2)) else " "), line)
    line = re.sub(r"\s+([,.!?])", r"\1", line).strip().rstrip(",")
    return line[:1].upper() + line[1:]


def _pad(line: str, target: int) -> str:
    """Last resort: pad a short line with sung "oh"s so it still reaches the target."""
    missing = target - count_syllables(line)
    return ("Oh, " * missing + line[:1].lower() + line[1:]) if missing > 0 else line


def _vowel_sound(word: str) -> bool:
    found = pronunciations(word)
    return found[0][0] in "AEIOU" if found else word[:1].lower() in "aeiou"


@functools.lru_cache(maxsize=8192)
def _syllables(text: str) -> int:
    return count_syllables(text)


def _all(song: _Song, category: str) -> list[str]:
    return [w for words in song.vocabulary[category].values() for w in words]


@functools.cache
def _templates(category: str) -> tuple[_Template, ...]:
    """Return the templates a rhyme word of this category can end."""
    sections = [section for section, ends in _ENDED_BY.items() if category in ends]
    return tuple(t for section in sections for t in _material().templates[f"end:{section}"])


def _style(name: str | None, table: str) -> str | None:
    """Match a free-text mood or genre to a curated one by name or alias ("sad" is melancholy)."""
    if not name:
        return None
    wanted = name.lower()
    styles: dict[str, Any] = _material().imagery[table]
    for key, entry in styles.items():
        aliases = [key, *entry.get("aliases", [])]
        if any(re.search(rf"\b{re.escape(alias)}\b", wanted) for alias in aliases):
            return str(key)
    return None


@functools.lru_cache(maxsize=128)
def _vocabulary(mood: str | None, genre: str | None) -> dict[str, dict[int, tuple[str, ...]]]:
    """Group the imagery for a mood and genre by category and syllable count."""
    imagery = _material().imagery
    sources = [imagery["common"]]
    for table, key in (("moods", mood), ("genres", genre)):
        if key:
            sources.append(imagery[table][key])
    words: dict[str, list[str]] = {
        c: [] for c in ("prep", "noun", "nouns", "place", "adj", "verb", "verbs", "verb_past", "verb_ing")
    }
    for source in sources:
        for category in ("prep", "noun", "nouns", "place", "adj"):
            words[category].extend(source.get(category, []))
        for base, past, ing in source.get("verbs", []):
            words["verb"].append(base)
            words["verbs"].append(_third_person(base))
            words["verb_past"].append(past)
            words["verb_ing"].append(ing)
    grouped: dict[str, dict[int, tuple[str, ...]]] = {}
    for category, items in words.items():
        by_count: dict[int, list[str]] = {}
        for item in dict.fromkeys(items):
            by_count.setdefault(_syllables(item), []).append(item)
        grouped[category] = {count: tuple(items) for count, items in by_count.items()}
    return grouped


def _third_person(verb: str) -> str:
    head, _, rest = verb.partition(" ")
    if head.endswith(("s", "sh", "ch", "x", "z", "o")):
        head += "es"
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    else:
        head += "s"
    return f"{head} {rest}".strip()


@functools.cache
def _material() -> _Material:
    data = importlib.resources.files("bot.songwriting.data")
    families = json.loads(data.joinpath("rhyme_families.json").read_text("utf-8"))["families"]
    imagery = json.loads(data.joinpath("imagery.json").read_text("utf-8"))
    templates: dict[str, list[_Template]] = {}
    section = ""
    for raw in data.joinpath("line_templates.txt").read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            templates[section] = []
        else:
            templates[section].append(_parse_template(line))
    return _Material(
        templates={k: tuple(v) for k, v in templates.items()},
        families=tuple({c: tuple(f.get(c, ())) for c in ENDINGS} for f in families),
        imagery=imagery,
    )


def _parse_template(line: str) -> _Template:
    parts: list[_Part] = []
    for token in re.findall(r"\([^)]*\)|\S+", line.removeprefix("!")):
        if token.startswith("("):
            parts.append(_Part("optional", token[1:-1]))
        elif (slot := _SLOT.fullmatch(token.rstrip(","))) is not None:
            parts.append(_Part("slot", slot.group(1)))
            if token.endswith(","):
                parts.append(_Part("text", ","))
        else:
            parts.append(_Part("text", token))
    return _Template(tuple(parts), fragment=line.startswith("!"))
