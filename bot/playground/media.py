"""Serving a file from memory with byte ranges, so the browser's audio player can read an OGG's length.

Chromium learns an Ogg stream's duration by reading its last page, and asks for it with a ``Range`` request; a
server that ignores ranges leaves the player without a duration or a seek bar.
"""

from __future__ import annotations

import re

from aiohttp import web

_RANGE = re.compile(r"bytes=(?P<start>[0-9]*)-(?P<end>[0-9]*)")
_FAR = 10**18
"""Any position past every file: a longer number (Python refuses to convert 4,300+ digits) means the same."""


def _position(digits: str) -> int:
    return int(digits) if len(digits) < 19 else _FAR


def media_response(
    request: web.Request, data: bytes, content_type: str, *, download: str | None = None
) -> web.Response:
    """``data`` whole, or the one byte range asked for (206); ``download`` names it as an attachment."""
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    if download is not None:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    wanted = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if wanted is None or not (wanted["start"] or wanted["end"]):
        return web.Response(body=data, content_type=None, headers={**headers, "Content-Type": content_type})
    size = len(data)
    if wanted["start"]:
        start = _position(wanted["start"])
        end = min(_position(wanted["end"]), size - 1) if wanted["end"] else size - 1
    else:  # a suffix: the last N bytes
        start, end = max(0, size - _position(wanted["end"])), size - 1
    if start >= size or start > end:
        return web.Response(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    headers |= {"Content-Range": f"bytes {start}-{end}/{size}", "Content-Type": content_type}
    return web.Response(status=206, body=data[start : end + 1], headers=headers)
