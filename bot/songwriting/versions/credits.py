"""Who wrote which line: credits derived from the revision tree by line-level diff.

Rules, applied version by version in the order they were written:
- an unchanged line keeps its author, even when it now sits in a renamed section;
- a changed or added line goes to the author of the version that changed or added it, except:
- a line whose exact text is already in the parent version (a line moved to another section or copied
  within the song) keeps that line's author;
- a line whose exact text was written in any earlier version (a revert, or a line merged in from another
  branch) goes to whoever first wrote those words, since the edit restores their words rather than
  writing new ones.
"Exact text" ignores only whitespace differences. The AI's lines are disclosed and counted, but the AI is
never listed as an author.

The same counts give every sketch file its disclosure line (``Disclosure``): the MusicXML and score image, the
MIDI, the ABC and lyrics.txt each say who made the words and the music, members by name, the AI's part disclosed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.songwriting.versions.revisions import AI_NAME, VersionError, VersionNode, VersionTree, diff_lines
from bot.songwriting.words.text import escape_markdown, percents, plural

_MAX_LISTED = 20
_MAX_NAMED_IN_FILES = 3  # a disclosure line is one line on the score image
AI_DISCLOSURE = "the AI is disclosed, never listed as an author"
MELODY_WRITER = "melody sketcher"
"""How an AI melody's writer is named (in the version's ``writer`` and the files' disclosure)."""
PRODUCT = "Sound Off"


@dataclass(frozen=True, slots=True)
class LineCredit:
    """One line of a version and who wrote its words."""

    section: str
    text: str
    author_id: int | None
    author_name: str
    version: int

    @property
    def by_ai(self) -> bool:
        return self.author_id is None


@dataclass(frozen=True, slots=True)
class AuthorShare:
    """A member's part of a version: lines written or last changed, and their share of all lines."""

    author_id: int
    name: str
    lines: int
    share: float


@dataclass(frozen=True, slots=True)
class Credits:
    """Line-by-line attribution of one version, with per-member totals and the AI's part."""

    version: int
    lines: tuple[LineCredit, ...]
    authors: tuple[AuthorShare, ...]
    ai_lines: int

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def ai_share(self) -> float:
        return self.ai_lines / self.total if self.total else 0.0

    def percents(self, digits: int = 0) -> tuple[list[str], str]:
        """The members' shares and the AI's as shown everywhere (``/credits``, the files, the playground): rounded
        together so that they add up to 100 %."""
        shown = percents([*(a.share for a in self.authors), self.ai_share], digits)
        return shown[:-1], shown[-1]

    def writer_split(self, author: AuthorShare) -> float:
        """A member's share among the members only: what a split sheet proposes."""
        human = self.total - self.ai_lines
        return author.lines / human if human else 0.0


def attribute(nodes: Sequence[VersionNode], version: int) -> Credits:
    """Attribute every line of ``version`` to the member who wrote or last changed it, or to the AI."""
    tree = VersionTree(nodes)
    if version not in tree:
        raise VersionError(f"This song has no v{version}.")
    first_writer: dict[str, LineCredit] = {}
    credited: dict[int, list[LineCredit]] = {}
    for node in tree:
        if node.number > version:
            break
        parent = credited[node.parent] if node.parent is not None else []
        credited[node.number] = _step(tree, node, parent, first_writer)
        for credit in credited[node.number]:
            first_writer.setdefault(_key(credit.text), credit)
    return _totals(version, credited[version])


def _step(
    tree: VersionTree, node: VersionNode, parent: list[LineCredit], first_writer: dict[str, LineCredit]
) -> list[LineCredit]:
    """Credit one version's lines from its parent's credits."""
    if node.lyrics is None:  # a melody-only version keeps its parent's lyrics and their credits
        return list(parent)
    in_parent: dict[str, LineCredit] = {}
    for credit in parent:
        in_parent.setdefault(_key(credit.text), credit)
    old = tree.lyrics_of(node.parent) if node.parent is not None else None
    lines: list[LineCredit] = []
    for line in diff_lines(old, node.lyrics).lines:
        if line.new_text is None or line.new_section is None:
            continue
        if line.op == "=" and line.old_index is not None:
            source: LineCredit | None = parent[line.old_index]
        else:
            key = _key(line.new_text)
            source = in_parent.get(key) or first_writer.get(key)
        if source is None:
            author_id, name, written_in = node.author_id, node.byline, node.number
        else:
            author_id, name, written_in = source.author_id, source.author_name, source.version
        lines.append(LineCredit(line.new_section, line.new_text, author_id, name, written_in))
    return lines


def _key(text: str) -> str:
    return " ".join(text.split())


def _totals(version: int, lines: list[LineCredit]) -> Credits:
    counts: dict[int, int] = {}
    names: dict[int, tuple[int, str]] = {}
    for credit in lines:
        if credit.author_id is None:
            continue
        counts[credit.author_id] = counts.get(credit.author_id, 0) + 1
        # a member may rename themselves between versions: show the name from their latest credited words
        if credit.author_id not in names or names[credit.author_id][0] < credit.version:
            names[credit.author_id] = (credit.version, credit.author_name)
    total = len(lines)
    authors = sorted(
        (AuthorShare(member, names[member][1], n, n / total) for member, n in counts.items()),
        key=lambda a: (-a.lines, a.name.casefold(), a.author_id),
    )
    ai_lines = sum(1 for credit in lines if credit.by_ai)
    return Credits(version, tuple(lines), tuple(authors), ai_lines)


def render_credits(credits: Credits) -> str:
    """The Discord message for ``/credits``: members with line counts and shares, then the AI's part."""
    if not credits.total:
        return f"v{credits.version} has no lyric lines to credit yet."
    out = [f"**Credits · v{credits.version}** · {plural(credits.total, 'line')}"]
    shares, ai_share = credits.percents()
    for author, share in zip(credits.authors[:_MAX_LISTED], shares, strict=False):
        out.append(f"• {escape_markdown(author.name)} — {plural(author.lines, 'line')} ({share})")
    rest = credits.authors[_MAX_LISTED:]
    if rest:
        lines = sum(a.lines for a in rest)
        out.append(f"• …and {plural(len(rest), 'more member')} ({plural(lines, 'line')})")
    if not credits.authors:
        out.append("No member has written a line of this version yet.")
    out.append(f"AI-written lines: {credits.ai_lines} ({ai_share}) — {AI_DISCLOSURE}")
    return "\n".join(out)


def render_split_sheet(credits: Credits, title: str) -> str:
    """The ``credits.md`` split sheet: writers and shares, the AI disclosure, then every line's writer."""
    out = [f"# Credits — {escape_markdown(title)}", ""]
    out.append(f"Version v{credits.version} · {plural(credits.total, 'lyric line')}.")
    out.append("")
    if credits.authors:
        out.append("| Writer | Discord user ID | Lines | Share of all lines | Split among writers |")
        out.append("|---|---|--:|--:|--:|")
        shares, _ = credits.percents(1)
        splits = percents([credits.writer_split(a) for a in credits.authors], 1)
        for a, share, split in zip(credits.authors, shares, splits, strict=True):
            out.append(f"| {escape_markdown(a.name)} | {a.author_id} | {a.lines} | {share} | {split} |")
    else:
        out.append("No member has written a line of this version yet.")
    out.append("")
    out.append(
        f"AI-written lines: {credits.ai_lines} of {credits.total} ({credits.percents(1)[1]}). "
        f"Sound Off discloses the AI's part; the AI is never listed as a writer."
    )
    out.append(
        "Each line is credited to the member who wrote or last changed it; a restored or copied line goes back "
        "to whoever first wrote it. The split is a starting point for the writers to agree on."
    )
    names = {a.author_id: escape_markdown(a.name) for a in credits.authors}  # one name per member throughout
    section: str | None = None
    for number, credit in enumerate(credits.lines, start=1):
        if credit.section != section:
            section = credit.section
            out += ["", f"## {escape_markdown(section)}", "", "| # | Line | Written by |", "|--:|---|---|"]
        writer = AI_NAME if credit.author_id is None else names[credit.author_id]
        out.append(f"| {number} | {escape_markdown(credit.text)} | {writer} (v{credit.version}) |")
    return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class Authorship:
    """Who made one part of a sketch (its words or its music): members with their shares, and the AI's share.

    ``ai_writer`` names which AI wrote its part ("offline writer", an LLM model, "melody sketcher") when known.
    No members and no AI share means words from outside the bot (the studio's lyrics file), author unknown.
    """

    members: tuple[tuple[str, float], ...] = ()
    ai_share: float = 0.0
    ai_writer: str | None = None

    @classmethod
    def by_ai(cls, writer: str | None = None) -> Authorship:
        return cls(ai_share=1.0, ai_writer=writer)

    @classmethod
    def by_member(cls, name: str) -> Authorship:
        return cls(members=((name, 1.0),))

    @classmethod
    def of_lines(cls, credits: Credits, ai_writer: str | None = None) -> Authorship:
        """The lyric lines' authorship as ``/credits`` counts it: members' shares of all lines, and the AI's."""
        members = tuple((a.name, a.share) for a in credits.authors)
        return cls(members, credits.ai_share, ai_writer if credits.ai_lines else None)

    def describe(self) -> str:
        """The part's authors as one phrase: "Ana 75 %, Bo 25 %", "Ana 60 % (AI-written 40 %)", "AI draft (…)"."""
        if not self.members:
            if not self.ai_share:
                return "supplied by the user"
            return f"AI draft ({self.ai_writer})" if self.ai_writer else "AI draft"
        shown = self.members[:_MAX_NAMED_IN_FILES]
        if len(self.members) == 1 and not self.ai_share:
            return shown[0][0]
        rest = self.members[_MAX_NAMED_IN_FILES:]
        parts = [share for _, share in shown] + ([sum(share for _, share in rest)] if rest else []) + [self.ai_share]
        texts = percents(parts)  # rounded together, as /credits rounds them: they add up to 100 %
        names = [f"{name} {text}" for (name, _), text in zip(shown, texts, strict=False)]
        if rest:
            names.append(f"{plural(len(rest), 'more member')} {texts[len(shown)]}")
        ai = f" (AI-written {texts[-1]})" if self.ai_share else ""
        return ", ".join(names) + ai


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What every file of a sketch says about who made it: members are named as authors, the AI's part disclosed."""

    lyrics: Authorship | None
    melody: Authorship | None

    @property
    def lyricists(self) -> tuple[str, ...]:
        """Members credited for the words, most lines first (never the AI)."""
        return tuple(name for name, _ in self.lyrics.members) if self.lyrics else ()

    @property
    def composers(self) -> tuple[str, ...]:
        """Members credited for the music (never the AI)."""
        return tuple(name for name, _ in self.melody.members) if self.melody else ()

    @property
    def line(self) -> str:
        """One line for every file, e.g. "Lyrics: AI draft (offline writer); melody: Ana, Sound Off"."""
        lyrics = self.lyrics.describe() if self.lyrics else None
        melody = self.melody.describe() if self.melody else None
        if lyrics is not None and lyrics == melody:
            text = f"Lyrics and melody: {lyrics}"
        elif lyrics is not None and melody is not None:
            text = f"Lyrics: {lyrics}; melody: {melody}"
        elif lyrics is not None or melody is not None:
            text = f"Lyrics: {lyrics}" if lyrics is not None else f"Melody: {melody}"
        else:
            return PRODUCT
        return f"{text}, {PRODUCT}"


def version_disclosure(nodes: Sequence[VersionNode], version: int, *, writer: str | None = None) -> Disclosure:
    """The disclosure of a stored version: its lines credited as ``/credits`` does, its melody to its own author.

    A version's melody is its author's (a member's uploaded melody, or the AI's), unless it is a tune carried from
    another version to new words: then it is that version's melody's author's. ``writer`` is the version's
    recorded writer, named for the AI's lines when the version is the AI's own lyric draft.
    """
    credits = attribute(nodes, version)
    node = VersionTree(nodes)[version]
    lyric_writer = writer if node.by_ai and node.lyrics is not None and writer != MELODY_WRITER else None
    lyrics = Authorship.of_lines(credits, lyric_writer) if credits.total else None
    return Disclosure(lyrics, _melody_authorship(VersionTree(nodes), version))


def _melody_authorship(tree: VersionTree, version: int) -> Authorship | None:
    """Whose melody a version carries: its own author's, or (a tune carried to new words) its source's."""
    node = tree[version]
    while node.melody_from is not None and node.melody_from in tree:
        node = tree[node.melody_from]
    if not node.has_melody:
        return None
    return Authorship.by_ai(MELODY_WRITER) if node.by_ai else Authorship.by_member(node.author_name)
