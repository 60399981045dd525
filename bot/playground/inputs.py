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
JSON_MAX_BYTES = 256 * 1024
"""The largest JSON body taken: the page's are a few hundred bytes (lyrics and files go in the Revise form)."""


async def json_body(request: web.Request) -> Body:
    """The request's JSON object (an empty body is an empty object); anything else is refused in a sentence.

    Python's own parser fails past its recursion limit and on integers over 4,300 digits, and keeps lone
    surrogates (``"\\ud800"``) that no database or page can store: each is the sender's mistake, not a crash.
    """
    if (request.content_length or 0) > JSON_MAX_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=JSON_MAX_BYTES, actual_size=request.content_length or 0)
    raw = await request.read()
    if len(raw) > JSON_MAX_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=JSON_MAX_BYTES, actual_size=len(raw))
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserFacingError("That request wasn't UTF-8 text.") from None
    if not decoded.strip():
        return {}
    try:
        body = json.loads(decoded)
        json.dumps(body, ensure_ascii=False).encode("utf-8")  # a lone surrogate has no UTF-8 form
    except RecursionError:
        raise UserFacingError("That request's JSON is nested too deeply.") from None
    except UnicodeEncodeError:
        raise UserFacingError("That request has text that isn't valid Unicode (a lone surrogate).") from None
    except json.JSONDecodeError:
        raise UserFacingError("That request wasn't valid JSON.") from None
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        raise UserFacingError("That request has a number too long to read.") from None
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
