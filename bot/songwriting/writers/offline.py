"""The offline writer: a usable first draft from curated material, with no key and no network.

The member's theme is cut into typed pieces (``words.theme``): the first is the hook (the chorus's first line
and the title), the rest are spread over the verses, and each is sung only in a frame that takes its type (a
past clause never meets "tomorrow"). The other lines come from typed templates (``data/line_templates.txt``)
filled with the theme's own world (``data/fields.json``: a pawnshop's ticket, counter and price), the mood's
and genre's imagery, and ended on rhyme words grouped by sound. Verse 1 sets the scene, verse 2 moves on with
new things from the same world, the bridge turns; the genre's form (``words.genre_forms``) shapes the sections:
the blues' AAB verse, hip-hop's longer bars with internal rhymes, punk's shouted chorus. Every line is fitted
to its syllable target exactly when it can be (±1 otherwise) and must pass ``words.grammar`` before it is kept.
Everything is drawn from one ``random.Random`` seeded by the brief, so a seed always gives the same song.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.songwriting.words import grammar
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.genre_forms import LyricForm, lyric_form
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import count_syllables, pronunciations
from bot.songwriting.words.rhyme import FREE, end_word, rhyme_kind
from bot.songwriting.words.theme import Kind, Tense, ThemeChunk, singular, theme_chunks
from bot.songwriting.writers import offline_material as material
from bot.songwriting.writers.offline_material import Part, Template, Vocabulary
from bot.songwriting.writers.quality import title_case

__all__ = ["WRITER_NAME", "ThemeChunk", "theme_chunks", "vary_section", "write"]

WRITER_NAME = "offline writer"
OPENING_MAX = 1
"""Lines of one song that may open on the same two words."""
_ARTICLE = re.compile(r"\b([Aa]) (?=([^\W_][\w'-]*))")
_ON_PLACES = (
    "shore",
    "pier",
    "beach",
    "porch",
    "sandbar",
    "dock",
    "roof",
    "floor",
    "ground",
    "front porch",
    "tin roof",
)
_IN_ON = re.compile(rf"\b((?:out |down )?)in the ((?:{'|'.join(_ON_PLACES)})\b)")
_AT_PLACES = ("gate", "door", "counter", "front desk", "bus stop", "window seat", "station")
_IN_AT = re.compile(rf"\b((?:out |down )?)in the ((?:{'|'.join(_AT_PLACES)})\b)")
_IR_CATEGORIES = ("place",)
_AFTER_A_NOUN = frozenset({"tonight", "again", "once more", "after dark", "all night long", "forever", "one more time"})
"""When-words that can follow a bare noun phrase as a sung fragment ("the diner tonight")."""
_FIELD_SLOTS = frozenset({"thing", "things", "act", "act_past"})


@dataclass(slots=True)
class _Song:
    """What the writer needs while writing one song."""

    rng: random.Random
    theme: str
    form: LyricForm
    imagery: Vocabulary
    vocabulary: Vocabulary = field(default_factory=dict)
    target: int = 8
    role: str = "scene"
    used: set[str] = field(default_factory=set)
    used_families: set[int] = field(default_factory=set)
    section_templates: set[int] = field(default_factory=set)
    openings: Counter[str] = field(default_factory=Counter)
    rhyme_inside: bool = False
    relaxed: bool = False
    """The last resort: openings may repeat and the theme's images be sung again."""
    inner: dict[int, tuple[str, ...]] = field(default_factory=dict)


def write(brief: Brief) -> Lyrics:
    """Write a whole song for the brief: its form, rhyme scheme, syllable targets, theme and genre."""
    rng = random.Random(
        f"{brief.seed}|{brief.theme}|{brief.genre}|{brief.mood}|{brief.form}|{brief.rhyme_scheme}|{brief.syllables}"
    )
    form = lyric_form(brief.genre)
    song = _Song(rng, brief.theme, form, material.imagery_vocabulary(brief.mood, brief.genre))
    chunks = theme_chunks(brief.theme, max(2, brief.syllables - 2))
    hook = chunks[0] if chunks else None
    fields = material.fields_for(brief.theme)
    scheme = brief.section_scheme
    labels = FORMS[brief.form]
    refrain_labels = {label for label in labels if labels.count(label) > 1}
    verse_labels = [label for label in dict.fromkeys(labels) if label not in refrain_labels and label != "Bridge"]
    extras = _spread(chunks[1:], len(verse_labels))
    written: dict[str, Section] = {}
    for number, label in enumerate(dict.fromkeys(labels)):
        assigned: dict[int, ThemeChunk] = {}
        verse = label in verse_labels
        song.role = "hook" if label in refrain_labels else "turn" if label == "Bridge" else "move"
        if verse and verse_labels.index(label) == 0:
            song.role = "scene"
        if label in refrain_labels and hook:
            assigned[0] = hook
        elif verse:
            slots = iter(range(2 if form.aab_verses else 0, len(scheme), 2))
            assigned.update(zip(slots, extras[verse_labels.index(label)], strict=False))
            if not refrain_labels and hook:
                assigned[len(scheme) - 1] = hook
        share = verse_labels.index(label) if verse else number
        song.vocabulary = {
            **song.imagery,
            **material.field_vocabulary(fields, share, len(verse_labels) + 1, brief.theme),
        }
        song.target = form.syllables(label, brief.syllables)
        song.rhyme_inside = form.internal_rhyme and verse
        copies = _copies(len(scheme)) if form.aab_verses and verse else {}
        if form.shouted_chorus and label in refrain_labels and len(scheme) > 2 and scheme[2] == scheme[0] != FREE:
            copies = {2: 0}
        lines = _write_section(scheme, assigned, song, copies)
        if form.shouted_chorus and label in refrain_labels:
            lines = tuple(line.rstrip(".!?,") + "!" for line in lines)
        written[label] = Section(label, lines)
    title = title_case(hook.text) if hook else title_case(f"the {song.rng.choice(_all(song, 'thing'))}")
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


def _copies(lines: int) -> dict[int, int]:
    """The blues stanza: the line sung again right after itself, once a quatrain (AAB, then the answer's tag)."""
    return {start + 1: start for start in range(0, lines - 2, 4)}


def _spread(chunks: Sequence[ThemeChunk], verses: int) -> list[list[ThemeChunk]]:
    shares: list[list[ThemeChunk]] = [[] for _ in range(max(verses, 1))]
    for i, chunk in enumerate(chunks):
        shares[i % len(shares)].append(chunk)
    return shares


def _write_section(
    scheme: str, assigned: dict[int, ThemeChunk], song: _Song, copies: dict[int, int]
) -> tuple[str, ...]:
    """Write one section: each rhyme group shares a sound; theme chunks take their assigned lines; a copied line
    (the blues' repeat) is sung again word for word, so its group rhymes with the line it repeats."""
    song.section_templates.clear()
    marks = list(scheme)
    for copy, source in copies.items():
        if marks[source] == FREE:
            marks[source] = marks[copy]
        elif marks[copy] == FREE:
            marks[copy] = marks[source]
        else:
            marks = [marks[source] if m == marks[copy] else m for m in marks]
    lines: dict[int, str] = {}
    anchors: list[str] = []
    for position, letter in enumerate(marks):
        if position in lines or position in copies:
            continue
        if letter == FREE:
            chunk = assigned.get(position)
            theme = _theme_line(chunk, None, song) if chunk else ""
            lines[position] = theme or _rhymed_line(_family_pool(song, 1, anchors), [], song, None, last_resort=True)
            continue
        indices = [i for i, mark in enumerate(marks) if mark == letter and i not in copies]
        lines.update(_write_group(indices, assigned, song, anchors))
        anchors.append(end_word(lines[indices[0]]) or "")
    for copy, source in copies.items():
        lines[copy] = lines[source]
    return tuple(lines[i] for i in range(len(scheme)))


def _write_group(
    indices: list[int], assigned: dict[int, ThemeChunk], song: _Song, anchors: list[str]
) -> dict[int, str]:
    """Write lines that must rhyme together: on the first theme chunk's own sound if the material allows it,
    else on a fresh rhyme family (theme chunks then end on a when-word, or give way); then on the chunk's sound
    again, taking worn rhymes rather than lose the theme; the last try accepts lines off the syllable target."""
    themed = [i for i in indices if i in assigned]
    tries = ["anchor", "family", "family", "anchor last resort"] if themed else ["family", "family"]
    tries.append("last resort")
    for attempt in tries:
        saved = set(song.used)
        saved_openings = song.openings.copy()
        lines: dict[int, str] = {}
        ends: list[str] = []
        if attempt.startswith("anchor"):
            anchor = end_word(assigned[themed[0]].text) or ""
            pool = [(w, c) for w, c in _pool_for(anchor, song) if w not in song.used]
            own = [w for w in [*_all(song, "thing"), *_all(song, "spot")] if rhyme_kind(anchor, end_word(w) or "")]
            enough = len(pool) + len(own) >= len(indices) - 1
            line = _theme_line(assigned[themed[0]], None, song) if enough else ""
            if not line:
                continue
            lines[themed[0]] = line
            ends.append(end_word(line) or "")
        else:
            pool = _family_pool(song, len(indices), anchors, [assigned[i] for i in themed])
        for i in indices:
            if i not in lines:
                lines[i] = _rhymed_line(pool, ends, song, assigned.get(i), last_resort=attempt.endswith("last resort"))
                ends.append(end_word(lines[i]) or "")
        if all(lines.values()):
            return lines
        song.used = saved
        song.openings = saved_openings
    raise AssertionError("unreachable: the last resort always writes a line")


def _pool_for(anchor: str, song: _Song) -> list[tuple[str, str]]:
    """Return curated ending words that rhyme with a theme word, perfect rhymes first, never the word itself."""
    perfect: list[tuple[str, str]] = []
    slant: list[tuple[str, str]] = []
    for family in material.load().families:
        for category in material.ENDINGS:
            for word in family[category]:
                last = end_word(word)
                kind = rhyme_kind(anchor, last) if last and last.lower() != anchor.lower() else None
                if kind == "perfect":
                    perfect.append((word, category))
                elif kind == "slant":
                    slant.append((word, category))
    song.rng.shuffle(perfect)
    song.rng.shuffle(slant)
    return perfect + slant


def _family_pool(
    song: _Song, need: int, anchors: Sequence[str], chunks: Sequence[ThemeChunk] = ()
) -> list[tuple[str, str]]:
    """Pick an unused rhyme family with enough fresh words that does not rhyme with the section's other groups.

    Each of ``chunks`` asks for a fresh when-word of its tense ("tonight", "long ago"), to close its line.
    """
    families = list(enumerate(material.load().families))
    song.rng.shuffle(families)
    fallback: list[tuple[str, str]] = []
    for index, family in families:
        pool = [(w, c) for c in material.ENDINGS for w in family[c] if w not in song.used]
        if len(pool) < need or any(rhyme_kind(end_word(pool[0][0]) or "", anchor) for anchor in anchors):
            continue
        times = [w for w, c in pool if c == "time"]
        timed = all(any(_tense_fits(w, chunk, strict=False) for w in times) for chunk in chunks)
        if len(times) < len(chunks) or not timed or len(pool) < need + 3:  # room to choose words that fit
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

    A theme chunk is sung as it is when its own last word rhymes (and is not a word already ending the group),
    else with a when-word of its tense after it ("... tonight"); failing both, the line is imagery. Empty when
    nothing fits, unless ``last_resort``, which takes the nearest syllable count and pads it.
    """
    taken = {singular(e) for e in ends}
    if chunk is not None:
        last = (end_word(chunk.text) or "").lower()
        rhymes = ends and singular(last) not in taken and all(rhyme_kind(last, e) for e in ends)
        if rhymes and (line := _theme_line(chunk, None, song)):
            return line
    own = [(w, "noun") for w in _all(song, "thing")] + [(w, "place") for w in _all(song, "spot")] if ends else []
    fitting = [
        (word, category)
        for word, category in [*own, *pool]
        if word not in song.used
        and singular(end_word(word) or "") not in taken
        and all(rhyme_kind(end_word(word) or "", e) for e in ends)
    ]
    for strict, tolerance in ((True, 0), (True, 1), (False, 1)):
        for word, category in fitting:
            timed = chunk is not None and category == "time" and _tense_fits(word, chunk, strict=strict)
            if timed and chunk is not None and (line := _theme_line(chunk, word, song, tolerance)):
                song.used.add(word)
                return line
    for tolerance in (0, 1):
        for word, category in fitting:
            song.inner = _inner_rhymes(word, fitting) if song.rhyme_inside else {}
            if line := _fit(_templates(category, song), {"END": word}, song, tolerance):
                song.used.add(word)
                return line
    if not last_resort:
        return ""
    # Out of fresh rhymes (a long AAAA section with no theme words of its own): reuse one rather than fail.
    rhyming = [
        (w, c)
        for w, c in pool
        if singular(end_word(w) or "") not in taken and all(rhyme_kind(end_word(w) or "", e) for e in ends)
    ]
    candidates = list(dict.fromkeys([*fitting, *rhyming])) or _other_rhymes(ends, taken, song) or list(pool)
    song.inner = {}
    song.relaxed = True  # a worn opening or a second use of an image beats a line off its syllable target
    found = next(
        (
            (word, line)
            for tolerance in (0, 1)
            for word, category in candidates
            if (line := _fit(_templates(category, song), {"END": word}, song, tolerance))
        ),
        None,
    )
    song.relaxed = False
    if found is None and candidates:
        word, category = candidates[0]
        templates = _templates(category, song)
        line = next((ln for t in range(13) if (ln := _fit(templates, {"END": word}, song, t, checked=False))), "")
        found = (word, _pad(line or _finish(f"oh, {word}"), song.target))
    if found is None:
        return ""
    song.used.add(found[0])
    return found[1]


def _other_rhymes(ends: Sequence[str], taken: set[str], song: _Song) -> list[tuple[str, str]]:
    """Every curated ending that rhymes with the group, from any family: the family ran dry (an 8-line AAAA)."""
    found = [
        (word, category)
        for family in material.load().families
        for category in material.ENDINGS
        for word in family[category]
        if singular(end_word(word) or "") not in taken and all(rhyme_kind(end_word(word) or "", e) for e in ends)
    ]
    song.rng.shuffle(found)
    return found


def _inner_rhymes(end: str, fitting: Sequence[tuple[str, str]]) -> dict[int, tuple[str, ...]]:
    """Words for a rap bar's internal rhyme: places ("… in the rain") that rhyme with the bar's end word."""
    words = [w for w, c in fitting if c in _IR_CATEGORIES and w != end and " " not in w]
    return material.by_syllables(words)


def _tense_fits(word: str, chunk: ThemeChunk, *, strict: bool = True) -> bool:
    """A when-word closes a theme line only in a tense it fits: no "stopped running tomorrow". After a noun
    phrase it is a sung fragment ("the diner tonight"): the few that read so, unless no other keeps the theme."""
    tenses = material.load().tense_words
    if chunk.tense is Tense.PAST:
        return word not in tenses["future"] and word not in tenses["present"]
    if chunk.kind is Kind.CLAUSE:
        return word not in tenses["past"]
    return word in _AFTER_A_NOUN or (not strict and word not in tenses["future"] | tenses["past"])


def _theme_line(chunk: ThemeChunk, suffix: str | None, song: _Song, tolerance: int = 1) -> str:
    """Sing a theme chunk inside a frame of its type ("I remember when …"), optionally followed by a when-word."""
    echoed = {w.lower() for w in chunk.text.split()}
    frames = [f for f in _shuffled(material.load().templates[chunk.frame], song) if not echoed & _frame_words(f)]
    if suffix is not None:
        frames = [dataclasses.replace(f, parts=(*f.parts, Part("text", suffix))) for f in frames]
    fixed = {"T": chunk.text}
    return next((line for t in range(tolerance + 1) if (line := _fit(frames, fixed, song, t))), "")


def _frame_words(template: Template) -> set[str]:
    """A frame's fixed content words, so a chunk is never sung in a frame that repeats it ("tell me … tell me")."""
    small = {"i", "the", "a", "and", "oh", "so", "when", "to", "of", "you", "we", "is", "was"}
    words = {w.lower().strip(",") for p in template.parts if p.kind in ("text", "optional") for w in p.value.split()}
    return words - small


def _templates(category: str, song: _Song) -> list[Template]:
    """The templates a rhyme word of this category can end, for this section's role and the song's genre: in a
    rap verse the bars with an internal rhyme first, then those not yet used in the section, the genre's own
    before the rest, whole clauses before fragments ("the ticket, the rain")."""
    sections = [section for section, ends in material.ENDED_BY.items() if category in ends]
    found = [
        t
        for s in sections
        for t in material.load().templates[f"end:{s}"]
        if t.fits(song.role, song.form.tags, song.target, relaxed=song.relaxed)
    ]
    order = _shuffled(found, song)
    return sorted(
        order,
        key=lambda t: (
            not (song.rhyme_inside and _has_slot(t, "IR")),
            id(t) in song.section_templates,
            not t.genres,
            t.fragment,
        ),
    )


def _has_slot(template: Template, name: str) -> bool:
    return any(p.kind == "slot" and p.value == name for p in template.parts)


def _fit(
    templates: Sequence[Template], fixed: dict[str, str], song: _Song, tolerance: int, *, checked: bool = True
) -> str:
    """Fill the first template that reaches the target within ``tolerance`` and reads as English, trying each
    alone, then after a lead."""
    for template in templates:
        if line := _fill(template.parts, fixed, song, tolerance, checked=checked):
            song.section_templates.add(id(template))
            return line
    leads = _shuffled(material.load().templates["lead"], song)
    for lead, template in itertools.product(leads, templates):
        body = tuple(
            itertools.dropwhile(lambda part: part.kind == "optional", template.parts)
        )  # no "by the door, and …"
        if not template.fragment and (line := _fill((*lead.parts, *body), fixed, song, tolerance)):
            song.section_templates.update((id(lead), id(template)))
            return line
    return ""


def _shuffled(items: Sequence[Template], song: _Song) -> list[Template]:
    """Shuffle templates, those not yet used in this section first, so neighbouring lines differ."""
    order = song.rng.sample(list(items), len(items))
    return sorted(order, key=lambda t: id(t) in song.section_templates)


def _fill(
    template: tuple[Part, ...], fixed: dict[str, str], song: _Song, tolerance: int, *, checked: bool = True
) -> str:
    """Choose words slot by slot so the syllables add up to the target; empty when the template cannot fit, when
    its opening is already worn in this song, or when the line fails a grammar check."""
    groups: list[dict[int, tuple[str, ...]]] = []
    for part in template:
        if part.kind == "slot" and part.value in fixed:
            groups.append({material.syllables(fixed[part.value]): (fixed[part.value],)})
        elif part.kind == "slot" and part.value == "IR":
            groups.append(song.inner)
        elif part.kind == "slot":
            groups.append(song.vocabulary.get(part.value, {}))
        elif part.kind == "optional":
            groups.append({0: ("",), material.syllables(part.value): (part.value,)})
        else:
            groups.append({material.syllables(part.value): (part.value,)})
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
        field_slot = template[i].kind == "slot" and template[i].value in _FIELD_SLOTS
        if checked and not song.relaxed and not fresh_counts and field_slot:
            return ""  # the theme's world sings each of its images once: verse 2 moves on to new ones
        count = song.rng.choice(fresh_counts or counts)
        goal -= count
        fresh = [w for w in group[count] if w not in song.used and w not in words]
        words.append(song.rng.choice(fresh or group[count]))
    chosen = [w for w, p in zip(words, template, strict=True) if p.kind == "slot" and w]
    if checked and len(set(chosen)) < len(chosen):
        return ""  # one image twice in a line ("the ticket … the ticket")
    line = _finish(" ".join(w for w in words if w))
    opening = _opening(line)
    worn = song.openings[opening] >= OPENING_MAX and not song.relaxed
    if checked and (worn or grammar.problems(line, song.theme)):
        return ""
    song.openings[opening] += 1
    song.used.update(w for w, p in zip(words, template, strict=True) if p.kind == "slot")
    return line


def _opening(line: str) -> str:
    """A line's first two words, the measure of a template tell ("I remember the …")."""
    return " ".join(w.lower().strip(",!?.") for w in line.split()[:2])


def _finish(line: str) -> str:
    line = _ARTICLE.sub(lambda m: m.group(1) + ("n " if _vowel_sound(m.group(2)) else " "), line)
    line = _IN_ON.sub(r"\1on the \2", line)  # "on the shore", never "in the shore"
    line = _IN_AT.sub(r"\1at the \2", line)  # "at the gate"
    line = re.sub(r"\s+([,.!?])", r"\1", line).strip().rstrip(",")
    return line[:1].upper() + line[1:]


def _pad(line: str, target: int) -> str:
    """Last resort: pad a short line with sung "oh"s so it still reaches the target."""
    missing = target - count_syllables(line)
    return ("Oh, " * missing + line[:1].lower() + line[1:]) if missing > 0 else line


def _vowel_sound(word: str) -> bool:
    found = pronunciations(word)
    return found[0][0] in "AEIOU" if found else word[:1].lower() in "aeiou"


def _all(song: _Song, category: str) -> list[str]:
    return [w for words in song.vocabulary.get(category, {}).values() for w in words]
