"""Logging set-up: one format, and a filter that masks secret values wherever they would appear."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "[secret]"
TOKEN_FIELD = re.compile(r"""(["']token["']\s*:\s*["'])[^"']+""")
"""A ``token`` field in logged data: a queued job's arguments carry the interaction's webhook token."""


class RedactSecrets(logging.Filter):
    """Replace any secret value in a record's rendered message (and exception text) with a mask."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return TOKEN_FIELD.sub(rf"\g<1>{MASK}", text)


def setup_logging(level: int, secrets: Iterable[str] = ()) -> None:
    """Log to stderr with the secrets masked; discord.py's own loggers go through the same handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("discord.http").setLevel(max(level, logging.INFO))
