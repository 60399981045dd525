"""The quality floor for LLM lyrics: clean a reply into lyrics, measure it against the brief, decide, explain.

An LLM draft reaches members only when it meets the brief well enough; otherwise the writer asks for one repair
(showing the model these exact violations) and then falls back to the offline writer, saying why in a phrase
built here ("had 2 of 4 sections"). Pure functions, no I/O: the rules are table-tested on their own.

Cleaning (:func:`clean_song`) never invents words: it drops label lines and wordless lines, strips list markers
and markup, takes the section labels from the form and keeps a title only when its words are the song's own.
Measuring (:func:`assess_song`, :func:`assess_section`) yields weighted violations: the weights make a full,
on-brief song score best, so an empty or partial song can never win over a complete one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.genre_forms import LyricForm, is_aab, lyric_form, self_rhymes
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import count_syllables, function_words, line_words
from bot.songwriting.words.rhyme import FREE, expand_scheme, unmet_rhymes

_LABEL_WORDS = (
    r"verse|chorus|pre-?chorus|post-?chorus|bridge|intro|outro|hook|refrain|interlude|coda|tag|middle ?8|"
    r"instrumental|solo|break|breakdown|section|part|stanza"
)
_LABEL_LINE = re.compile(
    rf"^[\s\[\(\*_#>-]*(?:{_LABEL_WORDS})(?:\s*(?:\d+|[ivx]+|[a-z]))?[\s\]\)\*_]*[:.\-–—]?[\s\]\)\*_]*$",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"^\s*[\[\(][^\]\)]*[\]\)]\s*$")
_LABEL_PREFIX = re.compile(rf"^\s*[\[\(\*]*(?:{_LABEL_WORDS})(?:\s*\d+)?[\]\)\*]*\s*:\s*(?=\S)", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]+|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"[*_`~|<>\[\]{}]+")
_QUOTES = "\"'“”‘’«»"
_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r"\s+")
TITLE_WORDS_MAX = 8
TITLE_CHARS_MAX = 60


@dataclass(frozen=True, slots=True)
class Violation:
    """One way the lyrics miss the brief: the message is addressed to the model, the weight ranks attempts."""

    message: str
    weight: int


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every violation, and which floor rules broke, as phrases completing "the model's draft …"."""

    violations: tuple[Violation, ...]
    broken: tuple[str, ...]

    @property
    def passes(self) -> bool:
        """True when the lyrics may reach members."""
        return not self.broken

    @property
    def score(self) -> int:
        """Lower is better; a complete on-brief song scores 0."""
        return sum(v.weight for v in self.violations)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(v.message for v in self.violations)


def is_label_line(line: str) -> bool:
    """True for a line that names a section ("Chorus:", "[Verse 2]", "(Bridge)", "**Hook**") instead of singing."""
    return bool(_LABEL_LINE.match(line) or _BRACKETED.match(line))


def clean_line(line: str) -> str:
    """Strip what is not sung: a "Chorus:" prefix, list markers, markup, wrapping quotes, extra spaces."""
    text = _LABEL_PREFIX.sub("", line)
    text = _LIST_MARKER.sub("", text)
    text = _MARKUP.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def has_words(line: str) -> bool:
    """True when a line has at least one word with a letter in it."""
    return bool(_LETTER.search(line)) and bool(line_words(line))


def clean_lines(lines: Sequence[str]) -> tuple[str, ...]:
    """The sung lines of a section: label lines and wordless lines dropped, the rest cleaned."""
    cleaned = (clean_line(line) for line in lines if not is_label_line(line))
    return tuple(line for line in cleaned if has_words(line))


def clean_song(brief: Brief, title: str, sections: Sequence[tuple[str, Sequence[str]]]) -> Lyrics:
    """Turn the model's title and sections into lyrics: labels from the form, a title from the song's words.

    Sections left with no sung line are dropped; the rest take the form's labels in order (a section past
    the form's end is "Extra N", and such a draft fails the floor anyway).
    """
    labels = FORMS[brief.form]
    kept = [lines for _, raw in sections if (lines := clean_lines(raw))]
    named = tuple(
        Section(labels[i] if i < len(labels) else f"Extra {i - len(labels) + 1}", lines) for i, lines in enumerate(kept)
    )
    partial = Lyrics("", named)
    return Lyrics(song_title(title, partial, brief.theme), named)


def song_title(raw: str, lyrics: Lyrics, theme: str) -> str:
    """Keep the model's title when it is short and made of the song's (or the theme's) words, else take the hook.

    This is what stops a title copied from the repair prompt, or an insult, from naming the song.
    """
    title = clean_line(raw).strip(" .,:;!?-")
    sung = {w.lower() for line in lyrics.lines for w in line_words(line)} | {w.lower() for w in line_words(theme)}
    words = line_words(title)
    stop = function_words()
    content = [w.lower() for w in words if w.lower() not in stop]
    if (
        words
        and len(words) <= TITLE_WORDS_MAX
        and len(title) <= TITLE_CHARS_MAX
        and content
        and all(w in sung for w in content)
    ):
        return title
    return hook_title(lyrics) or title_case(theme.strip()[:TITLE_CHARS_MAX].strip())


def hook_title(lyrics: Lyrics) -> str:
    """A title from the song's hook: the first line of the chorus (the first line when there is none), as a phrase."""
    labels = [s.label for s in lyrics.sections]
    repeated = next((s for s in lyrics.sections if labels.count(s.label) > 1), None)
    source = repeated or (lyrics.sections[0] if lyrics.sections else None)
    if source is None or not source.lines:
        return ""
    phrase = re.split(r"[,;:.!?—–]", source.lines[0])[0].strip()
    words = phrase.split()
    if len(words) > TITLE_WORDS_MAX - 2:
        words = words[: TITLE_WORDS_MAX - 2]
        stop = function_words()
        while len(words) > 1 and words[-1].lower().strip(_QUOTES) in stop:
            words.pop()
    return title_case(" ".join(words))


SMALL_TITLE_WORDS = frozenset(
    {"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of", "off", "on"}
    | {"per", "to", "up", "via", "from", "with", "into", "onto", "over", "than"}
)
"""Words a title keeps lower case inside it (articles, conjunctions, short prepositions): "The Pawnshop on Fifth"."""


def title_case(text: str) -> str:
    """Capitalise every word but the small ones inside the title ("The Mine Closed", "Over the Rocks")."""
    words = text.split()
    return " ".join(
        w.lower() if (0 < i < len(words) - 1 and w.lower() in SMALL_TITLE_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def is_title_case(title: str) -> bool:
    """True when a title is already in title case."""
    return title == title_case(title)


def assess_song(brief: Brief, lyrics: Lyrics) -> Assessment:
    """Measure a whole song against the brief's form, line count, syllables and rhyme scheme."""
    labels = FORMS[brief.form]
    scheme = brief.section_scheme
    per_section = len(scheme)
    violations: list[Violation] = []
    broken: list[str] = []
    have = len(lyrics.sections)
    if have < len(labels):
        missing = len(labels) - have
        broken.append(f"had {have} of {len(labels)} sections")
        message = f"the song needs {len(labels)} sections ({', '.join(labels)}); it has {have}"
        violations.append(Violation(message, missing * (per_section * 3 + 5)))
    elif have > len(labels):
        broken.append(f"had {have} sections where the form has {len(labels)}")
        violations.append(Violation(f"the song needs exactly {len(labels)} sections ({', '.join(labels)})", 5))
    first_copy: dict[str, tuple[str, ...]] = {}
    unique: list[Section] = []
    for section in lyrics.sections:
        if section.label in first_copy:
            if first_copy[section.label] != section.lines:
                violations.append(Violation(f"every {section.label} must repeat the first one's lines exactly", 2))
            continue
        first_copy[section.label] = section.lines
        unique.append(section)
    form = lyric_form(brief.genre)
    for section in unique:
        found = _section_violations(section.lines, per_section, scheme, form.syllables(section.label, brief.syllables))
        found.extend(_form_violations(section, scheme, form))
        violations.extend(Violation(f"{section.label}: {v.message}", v.weight) for v in found)
    short = next((s for s in unique if len(s.lines) < per_section), None)
    long = next((s for s in unique if len(s.lines) > per_section), None)
    if short is not None and not broken:
        broken.append(f"had {len(short.lines)} of {per_section} lines in {short.label}")
    elif long is not None and not broken:
        broken.append(f"had {len(long.lines)} lines in {long.label} where the brief asks for {per_section}")
    sung = [line for s in unique for line in s.lines[:per_section]]
    targets = [form.syllables(s.label, brief.syllables) for s in unique for _ in s.lines[:per_section]]
    groups = [s.lines[:per_section] for s in unique]
    broken.extend(_floor(sung, groups, scheme, targets))
    verses = [s for s in unique if s.label.startswith("Verse")]
    if form.aab_verses and verses and not any(is_aab(s.lines) for s in verses):
        broken.append("had no AAB blues verse")
    return Assessment(tuple(violations), tuple(broken))


def _form_violations(section: Section, scheme: str, form: LyricForm) -> list[Violation]:
    """The genre's forms and the rhyme craft: AAB blues verses, a shouted punk chorus, no word rhymed with itself."""
    found: list[Violation] = []
    verse = section.label.startswith("Verse")
    if form.aab_verses and verse and not is_aab(section.lines):
        found.append(Violation("a blues verse is AAB: sing line 1 again as line 2, then answer it in line 3", 2))
    if form.shouted_chorus and section.label == "Chorus" and not all(ln.endswith("!") for ln in section.lines):
        found.append(Violation("a punk chorus is shouted: end every line with '!'", 1))
    pairs = self_rhymes(section.lines, scheme)
    if pairs:  # one violation a section, so a complete song still outranks a partial one
        named = ", ".join(f"{first + 1} and {second + 1}" for first, second in pairs)
        found.append(Violation(f"lines {named} rhyme a word with itself; end each on a different word", 1))
    return found


def assess_section(lines: Sequence[str], count: int, scheme: str, syllables: int) -> Assessment:
    """Measure one rewritten section against its line count, scheme and syllable target."""
    violations = _section_violations(lines, count, scheme, syllables)
    broken: list[str] = []
    if not lines:
        broken.append("had no lines")
    elif len(lines) != count:
        broken.append(f"had {len(lines)} of {count} lines")
    broken.extend(_floor(list(lines[:count]), [tuple(lines[:count])], scheme, [syllables] * len(lines[:count])))
    return Assessment(tuple(violations), tuple(broken))


def _section_violations(lines: Sequence[str], count: int, scheme: str, syllables: int) -> list[Violation]:
    """What the repair prompt lists for a section; missing lines weigh most, so a full song always ranks first."""
    found: list[Violation] = []
    if len(lines) < count:
        found.append(Violation(f"has {len(lines)} lines; it needs exactly {count}", 3 * (count - len(lines))))
    elif len(lines) > count:
        found.append(Violation(f"has {len(lines)} lines; it needs exactly {count}", 2 * (len(lines) - count)))
    target = expand_scheme(scheme, count)
    for index in unmet_rhymes(target, lines[:count]):
        first = target.index(target[index])
        found.append(Violation(f"line {index + 1} must rhyme with line {first + 1} (scheme {target})", 1))
    for number, line in enumerate(lines, start=1):
        have = count_syllables(line)
        if abs(have - syllables) > 1:
            found.append(Violation(f"line {number} has {have} syllables; it needs {syllables} (±1)", 1))
    return found


def _floor(lines: Sequence[str], groups: Sequence[Sequence[str]], scheme: str, targets: Sequence[int]) -> list[str]:
    """The floor rules on syllables and rhyme: what a member would notice at once, not a craft judgement.

    ``targets`` is each line's syllable target (a rap verse's bars are longer than its hook's lines)."""
    broken: list[str] = []
    if not lines:
        return broken
    counts = [count_syllables(line) for line in lines]
    far = sum(abs(c - t) > max(2, t // 4) for c, t in zip(counts, targets, strict=True))
    longest, wanted = max(zip(counts, targets, strict=True), key=lambda pair: pair[0] - 2 * pair[1])
    if longest > 2 * wanted + 2:
        broken.append(f"had a {longest}-syllable line where the brief asks for {wanted}")
    elif far * 4 > len(lines):
        broken.append(f"had {far} of {len(lines)} lines far from {min(targets)} syllables")
    needed = met = 0
    for group in groups:
        target = expand_scheme(scheme, len(group))
        pairs = sum(1 for i, mark in enumerate(target) if mark != FREE and target.index(mark) < i)
        needed += pairs
        met += pairs - len(unmet_rhymes(target, group))
    if needed and met * 2 < needed:
        broken.append(f"held {met} of {needed} rhymes of the {scheme} scheme")
    return broken
