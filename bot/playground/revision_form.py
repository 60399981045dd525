"""The Revise form as the browser posts it (multipart): who revises, the edited lyrics, an optional melody file.

Read as a stream so that an oversized file is measured, not buffered whole, and refused with the sentence the
Discord form gives (``check_upload_size``); the workshop checks the rest (length, content, type by content).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import BodyPartReader, web

from bot.errors import UserFacingError
from bot.workshop.revising import REVISION_MAX_CHARS, Upload, check_upload_size, upload_limit

CHUNK = 64 * 1024
MEASURE_MAX = 32 * 1024 * 1024
"""How far an oversized file is read to say how big it is; past this the request is cut off."""
TEXT_MAX_BYTES = 16 * REVISION_MAX_CHARS
"""Enough for any text the workshop would measure and refuse with its own message."""


@dataclass(frozen=True, slots=True)
class RevisionForm:
    member: str | None
    text: str | None
    upload: Upload | None


async def read_revision_form(request: web.Request) -> RevisionForm:
    """Read the form's three fields; unknown fields are ignored."""
    if not request.content_type.startswith("multipart/"):
        raise UserFacingError("Send the revision from the Revise form.")
    reader = await request.multipart()
    member = text = None
    upload = None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "melody":
            if part.filename:
                upload = await _read_file(part, part.filename)
        elif part.name in ("member", "lyrics"):
            raw = await _read_capped(part, TEXT_MAX_BYTES)
            if raw is None:
                raise UserFacingError(f"That revision is far over the limit of {REVISION_MAX_CHARS} characters.")
            value = raw.decode("utf-8", errors="replace")
            if part.name == "member":
                member = value
            else:
                text = value
    return RevisionForm(member, text, upload)


async def _read_file(part: BodyPartReader, filename: str) -> Upload:
    """The file, refused by its real size when it is over the limit (or empty)."""
    kept = bytearray()
    size = 0
    while chunk := await part.read_chunk(CHUNK):
        size += len(chunk)
        if len(kept) <= upload_limit(filename):
            kept += chunk
        if size > MEASURE_MAX:
            break
    check_upload_size(filename, size)
    return Upload(filename, size, bytes(kept))


async def _read_capped(part: BodyPartReader, limit: int) -> bytes | None:
    """A text field's bytes, or None when it is longer than ``limit``."""
    kept = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        kept += chunk
        if len(kept) > limit:
            return None
    return bytes(kept)
