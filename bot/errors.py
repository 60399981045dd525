"""Errors that carry the message a member (or the person at the terminal) sees."""

from __future__ import annotations


class StartupError(Exception):
    """A ``soundoff`` command cannot start with what it was given (arguments, settings, files, paths).

    The command line prints the message as one line on stderr and exits 2, having written nothing.
    """


class UserFacingError(Exception):
    """Something the member can fix or should know; the message is shown to them as is (ephemeral)."""


class NotFoundError(UserFacingError):
    """A song, version or sound-off that does not exist (or not in this server)."""


class PermissionDeniedError(UserFacingError):
    """The member may not do this (not the owner, not a moderator)."""


class RateLimitedError(UserFacingError):
    """A cooldown or quota; ``retry_at`` is a Unix timestamp for Discord's relative-time markup."""

    def __init__(self, message: str, retry_at: float) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class StorageError(UserFacingError):
    """The database cannot keep (or give back) what was asked: read-only, full, damaged or gone.

    Nothing of the request was saved, and the operator was told (the log, ``soundoff health``); the message says
    so. The bot shows it privately like any other; the playground answers 503 Service Unavailable with it.
    """
