"""What every request and response passes through: errors as members see them, and the page's safety rules.

- Errors: a UserFacingError is the same sentence the member would read in Discord, sent as JSON for the page
  to show inline (404 for what is gone, 403 for what the member may not do, 429 for cooldowns and quotas, 503
  when the database cannot save); the unexpected ones are logged in full and answered with the bot's generic line.
- Safety: there are no accounts, so the playground serves only the machine it runs on unless told otherwise.
  A strict Content-Security-Policy lets the page run its own scripts and nothing else (lyrics are user text: a
  ``<script>`` in a revision is shown, never run). Requests naming another host (DNS rebinding) and writes from
  other sites (they cannot send the page's header without a preflight nobody answers) are refused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.errors import NotFoundError, PermissionDeniedError, RateLimitedError, StorageError, UserFacingError
from bot.playground.inputs import JSON_MAX_BYTES
from bot.workshop.revising import MELODY_MAX_BYTES

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong on our side and it has been logged. Please try again in a moment."
WRITE_HEADER = "X-Soundoff-Playground"
"""Sent by the page with every write: a cross-site form or fetch cannot add it without a CORS preflight."""
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # No other site may embed a score or a preview: it would make this server render, and learn which versions
    # exist from what loads.
    "Cross-Origin-Resource-Policy": "same-origin",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(status: int, message: str, **extra: object) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def retry_phrase(retry_at: float, now: float | None = None) -> str:
    """Discord's relative time (``in 25 seconds``), as the page shows it."""
    seconds = max(1, round(retry_at - (time.time() if now is None else now)))
    if seconds < 120:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"in {minutes} minutes"
    return f"in {round(minutes / 60)} hours"


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn the workshop's errors into the member's sentence; never a stack trace, never a hanging request."""
    try:
        return await handler(request)
    except RateLimitedError as exc:
        return error_response(429, f"{exc} You can try again {retry_phrase(exc.retry_at)}.", retry_at=exc.retry_at)
    except NotFoundError as exc:
        return error_response(404, str(exc))
    except PermissionDeniedError as exc:
        return error_response(403, str(exc))
    except StorageError as exc:
        return error_response(503, str(exc))
    except UserFacingError as exc:
        return error_response(400, str(exc))
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, too_big(request))
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        return error_response(exc.status, exc.reason)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(500, GENERIC_FAILURE)


def too_big(request: web.Request) -> str:
    """Why a body was refused for its size, in terms of what the member sent: a form with a file, or JSON."""
    if request.content_type.startswith("multipart/"):
        return f"That's too big to send: melody files may be {MELODY_MAX_BYTES // 1_000_000} MB at most."
    return f"That request is too big: the playground takes at most {JSON_MAX_BYTES // 1024} KB of JSON."


def same_origin(request: web.Request, origin: str) -> bool:
    """Whether an Origin header names this server: scheme and host and port (http://… is not https://…)."""
    sent = urlsplit(origin)
    return sent.scheme == request.scheme and sent.netloc == request.host


def same_machine(loopback_only: bool) -> Middleware:
    """Refuse requests for other host names (when serving loopback) and writes that the page did not send."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = urlsplit(f"//{request.host}").hostname or ""
        if loopback_only and host not in LOOPBACK_NAMES:
            return error_response(421, "The playground answers only on this machine's loopback address.")
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            if request.headers.get(WRITE_HEADER) != "1" or (origin and not same_origin(request, origin)):
                return error_response(403, "Writes come from the playground's own page only.")
        return await handler(request)

    return guard


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response, static files and errors included, carries the page's safety headers."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
