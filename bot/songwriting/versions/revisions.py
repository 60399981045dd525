"""The revision tree as plain values: line diffs between versions, and the tree drawn as text.

The database layer builds ``VersionNode`` values from rows; everything here (and in ``credits`` and
``soundoff``) works on those values alone, so the rules are testable without Discord or SQLite.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.songwriting.errors import DomainError
from bot.songwriting.versions.kinds import VersionKind
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.text import chunk, escape_markdown, escape_markdown_block, truncate

AI_NAME = "AI"

DiffOp = Literal["=", "+", "-", "~"]

# Two lines inside a replaced block count as one changed line when at least this similar (difflib ratio);
# below it a rewrite reads as a removal plus an addition.
CHANGED_LINE_RATIO = 0.5
_PAIR_WINDOW = 8

_FENCE_OPEN = "```diff\n"
_FENCE_CLOSE = "\n```"
_MIN_RENDER_CHARS = 100
_MAX_HEADER_CHARS = 40
_MAX_INDENT = 12
_VERSION_NAME = re.compile(r"^\s*[vV]?(\d{1,6})\s*$")


class VersionError(DomainError):
    """A version name or reference a member gave that doesn't exist; the message is shown to them."""


@dataclass(frozen=True, slots=True)
class VersionNode:
    """One immutable version of a song, as the domain sees it."""

    number: int
    parent: int | None
    author_id: int | None
    author_name: str
    kind: VersionKind
    lyrics: Lyrics | None
    has_melody: bool
    melody_unreadable: bool = False
    """It has a stored melody that can't be read back: listings say so and go on."""
    melody_from: int | None = None
    """The version whose tune this version's melody carries (a lyric revision re-set to new words), if any."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", VersionKind(self.kind))  # a stored value ("ai-draft") becomes the kind

    @property
    def by_ai(self) -> bool:
        """Whether the AI wrote this version (no member id)."""
        return self.author_id is None

    @property
    def byline(self) -> str:
        """The author as shown to members: the AI is always "AI", whatever name the row carries."""
        return AI_NAME if self.by_ai else self.author_name


def unreadable_melody(number: int) -> str:
    """What members are told about a version whose stored melody can't be read, wherever it is listed."""
    return f"v{number}'s melody could not be read, so its files are left out."


def parse_version(text: str) -> int:
    """Read a version name a member typed (``v3``, ``V3`` or ``3``)."""
    match = _VERSION_NAME.match(text)
    if match is None or int(match.group(1)) < 1:
        raise VersionError(f"“{truncate(text.strip(), 20)}” isn't a version name: use v1, v2, …")
    return int(match.group(1))


class VersionTree:
    """A validated index of a song's versions: every parent exists and comes before its children."""

    __slots__ = ("_children", "_nodes")

    def __init__(self, nodes: Iterable[VersionNode]) -> None:
        self._nodes: dict[int, VersionNode] = {}
        self._children: dict[int | None, list[int]] = {}
        for node in sorted(nodes, key=lambda n: n.number):
            if node.number in self._nodes:
                raise ValueError(f"version v{node.number} appears twice")
            if node.parent is not None and node.parent not in self._nodes:
                raise ValueError(f"v{node.number}'s parent v{node.parent} is missing or not an earlier version")
            self._nodes[node.number] = node
            self._children.setdefault(node.parent, []).append(node.number)

    def __contains__(self, number: object) -> bool:
        return number in self._nodes

    def __getitem__(self, number: int) -> VersionNode:
        try:
            return self._nodes[number]
        except KeyError:
            raise VersionError(f"This song has no v{number}.") from None

    def __iter__(self) -> Iterator[VersionNode]:
        return iter(self._nodes.values())

    def children(self, number: int | None) -> list[VersionNode]:
        """Direct children of a version (roots for None), oldest first."""
        return [self._nodes[n] for n in self._children.get(number, [])]

    def path(self, number: int) -> list[VersionNode]:
        """The versions from the root down to ``number``, inclusive."""
        path = [self[number]]
        while (parent := path[-1].parent) is not None:
            path.append(self._nodes[parent])
        path.reverse()
        return path

    def lyrics_of(self, number: int) -> Lyrics | None:
        """The lyrics a version carries; a melody-only version (lyrics None) carries its parent's."""
        node: VersionNode | None = self[number]
        while node is not None:
            if node.lyrics is not None:
                return node.lyrics
            node = self._nodes[node.parent] if node.parent is not None else None
        return None


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a diff. Old fields are None for an added line, new fields None for a removed one."""

    op: DiffOp
    old_index: int | None
    old_section: str | None
    old_text: str | None
    new_index: int | None
    new_section: str | None
    new_text: str | None

    @property
    def relabelled(self) -> bool:
        """An unchanged line whose section was renamed or that now sits in another section."""
        return self.op == "=" and self.old_section != self.new_section


@dataclass(frozen=True, slots=True)
class LyricDiff:
    """A section-aware line diff between two versions' lyrics."""

    lines: tuple[DiffLine, ...]

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.op == "+")

    @property
    def changed(self) -> int:
        return sum(1 for line in self.lines if line.op == "~")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.op == "-")

    @property
    def has_changes(self) -> bool:
        """Whether any line or section label differs."""
        return any(line.op != "=" or line.relabelled for line in self.lines)

    def counts(self) -> str:
        """The counts alone, e.g. ``+2 ~1 −0``."""
        return f"+{self.added} ~{self.changed} −{self.removed}"

    def summary(self) -> str:
        """One line for members, e.g. ``+2 ~1 −0 lines``."""
        return f"{self.counts()} lines"

    def render(self, max_chars: int = 2000, context: int = 2) -> list[str]:
        """Render as ```diff code blocks, each (fences included) at most ``max_chars`` long.

        Changed regions are shown with ``context`` unchanged lines around them; ``@@ Label @@`` headers name
        the section (repeated at the top of a continuation block). Member text can't close the block early.
        """
        if max_chars < _MIN_RENDER_CHARS:
            raise ValueError(f"max_chars must be at least {_MIN_RENDER_CHARS}")
        groups = _diff_groups(self.lines, context) or [("", ["  (no changes)"])]
        budget = max_chars - len(_FENCE_OPEN) - len(_FENCE_CLOSE)
        blocks: list[list[str]] = []
        size = budget + 1  # length of the current block's text; over budget forces the first block
        for header, rows in groups:
            pieces = [p for row in rows for p in ([row] if row == header else chunk(row, budget - len(header) - 1))]
            whole = sum(len(p) + 1 for p in pieces)
            for n, piece in enumerate(pieces):
                # a group (a header with its first line, a changed line's old and new) starts a block whole
                if size + (whole if n == 0 else 1 + len(piece)) > budget:
                    blocks.append([header] if header and piece != header else [])
                    size = len(header) if blocks[-1] else -1
                blocks[-1].append(piece)
                size += 1 + len(piece)
        return [_FENCE_OPEN + "\n".join(block) + _FENCE_CLOSE for block in blocks]


def diff_lines(old: Lyrics | None, new: Lyrics | None) -> LyricDiff:
    """Diff two versions' lyrics line by line; None means no lyrics."""
    old_lines = _flat(old)
    new_lines = _flat(new)
    old_texts = [_norm(text) for _, text in old_lines]
    new_texts = [_norm(text) for _, text in new_lines]
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    result: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs: list[tuple[int | None, int | None]] = [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            pairs = _pair_replaced(old_texts, i1, i2, new_texts, j1, j2)
        for i, j in pairs:
            result.append(_diff_line(tag == "equal", i, j, old_lines, new_lines))
    return LyricDiff(tuple(result))


def is_identical(parent: Lyrics | None, new: Lyrics | None) -> bool:
    """Whether a revision changes nothing: same section labels and lines, ignoring trailing whitespace.

    The title belongs to the song, not the revision, so it is not compared; None counts as no lyrics.
    """
    return _shape(parent) == _shape(new)


def history_tree(nodes: Iterable[VersionNode], links: Mapping[int, str] | None = None) -> list[str]:
    """Draw the revision tree, one line per version; a child sits one step to the right of its parent.

    Indentation stops growing after a dozen levels; deeper lines name their parent instead.

    Each line reads ``v3 · human-revision · by Ana · +2 ~1 −0`` (``· ♪`` when it has a melody), the counts
    against its parent; ``links`` maps a version to a URL that the ``vN`` label links to.
    """
    tree = VersionTree(nodes)
    links = links or {}
    out: list[str] = []
    stack = [(root, 0) for root in reversed(tree.children(None))]  # a stack, not recursion: chains run long
    while stack:
        node, depth = stack.pop()
        parent_lyrics = tree.lyrics_of(node.parent) if node.parent is not None else None
        counts = diff_lines(parent_lyrics, tree.lyrics_of(node.number)).counts()
        label = f"v{node.number}"
        if node.number in links:
            label = f"[{label}]({links[node.number]})"
        indent = "\u2003" * (min(depth, _MAX_INDENT) - 1) + "↳ " if depth else ""
        if depth > _MAX_INDENT:  # past the cap indentation no longer shows the parent, so name it
            label += f" (from v{node.parent})"
        melody = " · ♪" + (" (could not be read)" if node.melody_unreadable else "") if node.has_melody else ""
        out.append(f"{indent}{label} · {node.kind} · by {escape_markdown(node.byline)} · {counts}{melody}")
        stack.extend((child, depth + 1) for child in reversed(tree.children(node.number)))
    return out


def _flat(lyrics: Lyrics | None) -> list[tuple[str, str]]:
    if lyrics is None:
        return []
    return [(section.label, line) for section in lyrics.sections for line in section.lines]


def _norm(text: str) -> str:
    return text.rstrip()


def _shape(lyrics: Lyrics | None) -> list[tuple[str, list[str]]]:
    if lyrics is None:
        return []
    return [(s.label.strip(), [_norm(line) for line in s.lines]) for s in lyrics.sections if s.lines]


def _pair_weights(old: Sequence[str], new: Sequence[str]) -> list[list[float]]:
    """How strongly each old line pairs with each new line as one changed line (below the ratio: not at all).

    Similar text pairs, within a window around the line's proportional place in the block (a rewritten line
    doesn't travel far, and the window keeps a wholesale rewrite fast); in a block of equal sizes, a line
    rewritten in place at a similar length pairs too.
    """
    weights = [[0.0] * len(new) for _ in old]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for b, new_line in enumerate(new):
        matcher.set_seq2(new_line)  # the matcher indexes its second sequence: reuse it across old lines
        centre = b * len(old) // len(new)
        for a in range(max(0, centre - _PAIR_WINDOW), min(len(old), centre + _PAIR_WINDOW + 1)):
            in_place = a == b and len(old) == len(new) and _similar_length(old[a], new_line)
            weight = CHANGED_LINE_RATIO if in_place else 0.0
            matcher.set_seq1(old[a])
            if matcher.real_quick_ratio() >= CHANGED_LINE_RATIO and matcher.quick_ratio() >= CHANGED_LINE_RATIO:
                weight = max(weight, matcher.ratio())
            weights[a][b] = weight
    return weights


def _similar_length(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= CHANGED_LINE_RATIO * max(len(a), len(b), 1)


def _pair_replaced(
    old: Sequence[str], i1: int, i2: int, new: Sequence[str], j1: int, j2: int
) -> list[tuple[int | None, int | None]]:
    """Align a replaced block: pair lines in order for the most total weight; the rest stand alone."""
    n, m = i2 - i1, j2 - j1
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sim = _pair_weights(old[i1:i2], new[j1:j2])
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            paired = score[a + 1][b + 1] + sim[a][b] if sim[a][b] >= CHANGED_LINE_RATIO else -1.0
            score[a][b] = max(paired, score[a + 1][b], score[a][b + 1])
    pairs: list[tuple[int | None, int | None]] = []
    a = b = 0
    while a < n and b < m:
        if sim[a][b] >= CHANGED_LINE_RATIO and score[a][b] == score[a + 1][b + 1] + sim[a][b]:
            pairs.append((i1 + a, j1 + b))
            a, b = a + 1, b + 1
        elif score[a][b] == score[a + 1][b]:
            pairs.append((i1 + a, None))
            a += 1
        else:
            pairs.append((None, j1 + b))
            b += 1
    pairs.extend((i1 + k, None) for k in range(a, n))
    pairs.extend((None, j1 + k) for k in range(b, m))
    return pairs


def _diff_line(
    equal: bool, i: int | None, j: int | None, old: list[tuple[str, str]], new: list[tuple[str, str]]
) -> DiffLine:
    op: DiffOp = "=" if equal else "~" if i is not None and j is not None else "-" if j is None else "+"
    old_section, old_text = old[i] if i is not None else (None, None)
    new_section, new_text = new[j] if j is not None else (None, None)
    return DiffLine(op, i, old_section, old_text, j, new_section, new_text)


def _diff_groups(lines: Sequence[DiffLine], context: int) -> list[tuple[str, list[str]]]:
    """Lay the diff out as (section header, rows) groups kept together in one message where they fit.

    Only changed lines and ``context`` lines around them are shown; a new section's header leads its group.
    """
    marked = [i for i, line in enumerate(lines) if line.op != "=" or line.relabelled]
    shown = sorted({k for i in marked for k in range(max(0, i - context), min(len(lines), i + context + 1))})
    groups: list[tuple[str, list[str]]] = []
    section: tuple[str, str] | None = None
    header = ""
    previous = -1
    for k in shown:
        line = lines[k]
        if previous >= 0 and k != previous + 1:
            groups.append((header, ["  …"]))
        previous = k
        rows = _rows(line)
        if section is None or not _same_section(line, section):
            section = _sides(line)
            header = _header(*section)
            rows.insert(0, header)
        groups.append((header, rows))
    return groups


def _sides(line: DiffLine) -> tuple[str, str]:
    """The (new, old) section labels of a line; a one-sided line is taken to keep its label."""
    new = line.new_section if line.new_section is not None else line.old_section or ""
    old = line.old_section if line.old_section is not None else new
    return new, old


def _same_section(line: DiffLine, section: tuple[str, str]) -> bool:
    new, old = section
    return line.new_section in (None, new) and line.old_section in (None, old)


def _header(new: str, old: str) -> str:
    label = new if new == old else f"{new} (was {old})"
    return f"@@ {_clean(truncate(label, _MAX_HEADER_CHARS))} @@"


def _rows(line: DiffLine) -> list[str]:
    old, new = _clean(line.old_text or ""), _clean(line.new_text or "")
    if line.op == "=":
        return [f"  {new}"]
    if line.op == "+":
        return [f"+ {new}"]
    if line.op == "-":
        return [f"- {old}"]
    return [f"~ {old}", f"→ {new}"]


def _clean(text: str) -> str:
    return escape_markdown_block(" ".join(text.splitlines()))
