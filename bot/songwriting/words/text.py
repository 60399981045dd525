"""Text safety for anything members wrote: code blocks that can't be broken, mentions that never ping.

Discord renders lyrics and display names as markdown; these helpers keep a member's text from escaping
the block it is shown in, pinging a crowd, or pushing a message past its length limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from anyascii import anyascii

from bot.songwriting.errors import DomainError

ZWSP = "\u200b"

_BACKTICK_RUN = re.compile(r"`(?=`)")
_BROADCAST = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_ANGLE_MENTION = re.compile(r"<(?=[@#])")
_INLINE_MARKUP = re.compile(r"([\\*_~`|\[\]<>])")
_LINE_START_MARKUP = re.compile(r"^(\s*)([#>+\-]|\d+\.)", re.MULTILINE)


def escape_markdown_block(text: str) -> str:
    """Make text safe inside a ``` code block: no run of backticks survives to close the block early."""
    return _BACKTICK_RUN.sub("`" + ZWSP, text)


def neutralise_mentions(text: str) -> str:
    """Keep mentions readable but inert: break ``@everyone``/``@here`` and ``<@…>``, ``<@&…>``, ``<#…>`` tokens.

    The zero-width space goes after the ``@`` of a broadcast and between ``<`` and ``@``/``#``, so the token
    no longer parses as a mention even where ``allowed_mentions`` cannot be applied.
    """
    return _ANGLE_MENTION.sub("<" + ZWSP, _BROADCAST.sub("@" + ZWSP, text))


def escape_markdown(text: str) -> str:
    """Show member text literally in Discord messages and markdown files (names, lyric lines).

    Inline markup characters are backslash-escaped everywhere; heading, quote and list markers only at the
    start of a line, where they mean something. Mentions are neutralised too.
    """
    escaped = _INLINE_MARKUP.sub(r"\\\1", text)
    escaped = _LINE_START_MARKUP.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), escaped)
    return neutralise_mentions(escaped)


def _escape_marker(marker: str) -> str:
    # "12." is an ordered-list marker only because of its dot, so the dot is what gets escaped.
    return marker[:-1] + "\\." if marker.endswith(".") else "\\" + marker


def truncate(text: str, limit: int, suffix: str = "…") -> str:
    """Shorten text to at most ``limit`` characters, ending with ``suffix`` when something was cut."""
    if limit < 0:
        raise ValueError("limit must not be negative")
    if len(text) <= limit:
        return text
    if limit <= len(suffix):
        return suffix[:limit]
    return text[: limit - len(suffix)].rstrip() + suffix


def chunk(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most ``limit`` characters, breaking between lines.

    A line longer than ``limit`` is cut into ``limit``-sized pieces. Newlines at a break are dropped and no
    piece is blank (Discord rejects empty messages); every visible character is kept, in order.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        for part in _hard_split(line, limit):
            if current is not None and len(current) + 1 + len(part) <= limit:
                current = f"{current}\n{part}"
            else:
                if current is not None:
                    pieces.append(current)
                current = part
    if current is not None:
        pieces.append(current)
    return [piece.strip("\n") for piece in pieces if piece.strip()]


def _hard_split(line: str, limit: int) -> list[str]:
    if len(line) <= limit:
        return [line]
    return [line[i : i + limit] for i in range(0, len(line), limit)]


def plural(count: int, noun: str) -> str:
    """Count a regular noun: ``1 line``, ``2 lines``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def percent(share: float, digits: int = 0) -> str:
    """Show a share (0–1) as a percentage with a space before the sign, e.g. ``42 %``."""
    return f"{share * 100:.{digits}f} %"


def percents(shares: Sequence[float], digits: int = 0) -> list[str]:
    """Show the parts of a whole as percentages that add up to the whole's (100 % for shares summing to 1).

    Largest remainder: each part is rounded down to ``digits`` places, then the units still missing go to the
    parts with the largest remainders (the earlier part on a tie). So 1 line of 8 and 7 of 8 read 13 % and 87 %
    wherever they are shown, never 12 % in one place and 13 % in another, nor 13 % beside 88 %.
    """
    scale = 100 * 10**digits
    raw = [share * scale for share in shares]
    floors = [math.floor(value + 1e-9) for value in raw]
    missing = round(sum(raw)) - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: max(0, missing)]:
        floors[i] += 1
    return [f"{value / 10**digits:.{digits}f} %" for value in floors]


_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Every way text breaks a line (Windows and old Mac ends, Word's vertical tab, Unicode's separators): one ``\\n``."""
_REFUSED_CHARACTERS = "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff"
"""What never belongs in members' text: C0 and C1 control characters (NUL, terminal escapes, DEL), lone
surrogates (no UTF-8 form: nothing can store them) and the two non-characters XML forbids."""
_REFUSED = re.compile(f"[{_REFUSED_CHARACTERS}]")
_REFUSED_IN_ONE_LINE = re.compile(f"[{_REFUSED_CHARACTERS}\n]")


class UnsafeTextError(DomainError):
    """Member text holding a character that can't be sung, shown or stored; says which, and where."""

    def __init__(self, character: str, line: int | None, what: str) -> None:
        self.line, self.found, self.code = line, _kind(character), f"U+{ord(character):04X}"
        if character == "\n":
            super().__init__(f"{what[:1].upper()}{what[1:]} must be one line: remove the line break.")
            return
        where = f"on line {line} of {what}" if line is not None else f"in {what}"
        super().__init__(
            f"There's {self.found} ({self.code}) {where}, which can't be sung or shown. Remove it and try again."
        )


def member_text(text: str, what: str, *, lines: bool = True) -> str:
    """Members' text as it is stored and shown, whatever door it came in by (a form, a reply, a file, a page).

    Line breaks become ``\\n`` and tabs stay (``lines=False``, for a one-line field such as a theme, refuses a
    line break); a control character, a lone surrogate or a non-character is refused with UnsafeTextError,
    never silently dropped, so what a member sees saved is what they wrote. ``what`` names the text ("your
    lyrics", "the theme") in the message.
    """
    text = _LINE_BREAKS.sub("\n", text)
    refused = _REFUSED if lines else _REFUSED_IN_ONE_LINE
    match = refused.search(text)
    if match is None:
        return text
    line = text.count("\n", 0, match.start()) + 1 if lines else None
    raise UnsafeTextError(match.group(), line, what)


def _kind(character: str) -> str:
    if character == "\n":
        return "a line break"
    if "\ud800" <= character <= "\udfff":
        return "half of a character pair"
    if character in "\ufffe\uffff":
        return "a non-character"
    return "a control character"


def file_stem(title: str, fallback: str) -> str:
    """An ASCII file-name stem from a title: ``Café Noël`` → ``cafe-noel``, ``Дождь`` → ``dozhd``.

    Discord rewrites non-ASCII file names on upload and applies the same clean-up to ``attachment://``
    references, so an inline score or player could vanish; titles with nothing to transliterate use ``fallback``.
    """
    words = re.findall(r"[a-z0-9]+", anyascii(title).lower())
    return "-".join(words)[:40].strip("-") or fallback
