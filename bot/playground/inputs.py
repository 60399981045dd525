"""Reading what the page sent: JSON fields and path parts, checked at the boundary with members' words.

Discord checks option types and ranges before a command runs (``app_commands.Range``); a browser sends
anything, so these helpers do that job and answer with a UserFacingError the page shows inline.
"""

from __future__ import annotations

import json
import re

from aiohttp import web

from bot.errors import NotFoundError, UserFacingError

Body = dict[str, object]
_WHOLE = re.compile(r"-?[0-9]{1,12}")


async def json_body(request: web.Request) -> Body:
    """The request's JSON object (an empty body is an empty object)."""
    raw = await request.text()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError:
        raise UserFacingError("That request wasn't valid JSON.") from None
    if not isinstance(body, dict):
        raise UserFacingError("That request wasn't a JSON object.")
    return body


def text(body: Body, name: str, label: str, *, max_length: int) -> str | None:
    """An optional text field, stripped; blank is None; longer than ``max_length`` is refused."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserFacingError(f"{label} must be text.")
    value = value.strip()
    if len(value) > max_length:
        raise UserFacingError(f"{label} is {len(value)} characters; the limit is {max_length}.")
    return value or None


def whole(body: Body, name: str, label: str, low: int, high: int) -> int | None:
    """An optional whole number in ``low..high`` (a numeric string, as a form field sends it, is accepted)."""
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise UserFacingError(f"{label} must be a whole number from {low} to {high}.")
    return value


def flag(body: Body, name: str) -> bool | None:
    value = body.get(name)
    return value if isinstance(value, bool) else None


def path_number(request: web.Request, name: str) -> int:
    """A number in the URL (a song, a version, a sound-off); anything else is a missing thing, not a crash."""
    raw = request.match_info[name]
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise NotFoundError("That doesn't exist.")
    return int(raw)
