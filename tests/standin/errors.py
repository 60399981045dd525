"""Discord's error responses: ``DiscordError`` and the nested ``50035 Invalid Form Body`` tree.

Every structural check returns ``Problem``s (a dotted field path, Discord's inner error code and message);
``form_error`` folds them into the body Discord sends and discord.py renders into ``HTTPException.text``::

    {"code": 50035, "message": "Invalid Form Body",
     "errors": {"embeds": {"0": {"fields": {"0": {"name": {"_errors": [
         {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}}}}}}}

An empty path puts the error at the root (``{"errors": {"_errors": [...]}}``), as Discord does for a
request-level error such as ``APPLICATION_COMMAND_TOO_LARGE``.

Discord documents only a few inner codes (developers/reference.mdx, "Error Messages"); the others here are
the ones real responses carry, as seen in bot logs. Where no real response was found the stand-in names the
rule itself; those codes are listed in ``ASSUMED_CODES`` so nobody mistakes them for Discord's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .world import Json

# Inner codes the stand-in invented because no real Discord response for the rule was found; the HTTP status,
# the 50035 code and the error's path are still Discord's.
ASSUMED_CODES = frozenset(
    {
        "COMPONENT_MIN_VALUES_GREATER_THAN_MAX",
        "COMPONENT_MIN_VALUES_REQUIRED",
        "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES",
    }
)


class DiscordError(Exception):
    """An error response exactly as Discord sends it: HTTP status plus ``{message, code[, errors]}``."""

    def __init__(self, status: int, code: int, message: str, errors: Json | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        """The JSON body of the error response."""
        body: Json = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def unknown(what: str, code: int) -> DiscordError:
    """Discord's 404 for a missing object, e.g. ``unknown("Message", 10008)``."""
    return DiscordError(404, code, f"Unknown {what}")


def missing_permissions() -> DiscordError:
    """Discord's 403 when the bot lacks a permission for the action."""
    return DiscordError(403, 50013, "Missing Permissions")


def empty_message() -> DiscordError:
    """Discord's 400 for a message with nothing to show."""
    return DiscordError(400, 50006, "Cannot send an empty message")


@dataclass(frozen=True)
class Problem:
    """One invalid field: ``path`` like ``embeds.0.title`` (empty for the request as a whole)."""

    path: str
    code: str
    message: str


def too_long(path: str, limit: int) -> Problem:
    """An array or string longer than Discord allows."""
    return Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def bad_length(path: str, low: int, high: int) -> Problem:
    """A string or array outside a ``low..high`` length range."""
    return Problem(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def required(path: str) -> Problem:
    """A missing or empty required field."""
    return Problem(path, "BASE_TYPE_REQUIRED", "This field is required")


def at_most(path: str, limit: int) -> Problem:
    """A number above its documented maximum."""
    return Problem(path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {limit}")


def at_least(path: str, limit: int) -> Problem:
    """A number below its documented minimum."""
    return Problem(path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {limit}")


def one_of(path: str, allowed: Iterable[int]) -> Problem:
    """A scalar outside its documented set (Discord writes the set in braces)."""
    return Problem(path, "BASE_TYPE_CHOICES", f"Value must be one of {{{', '.join(map(str, allowed))}}}.")


def union_type(path: str, allowed: Iterable[int]) -> Problem:
    """A component of a type that may not sit here; Discord reports it on the component itself."""
    types = tuple(allowed)
    return Problem(path, "UNION_TYPE_CHOICES", f'Value of field "type" must be one of {types!r}.')


def form_error(problems: Iterable[Problem]) -> DiscordError:
    """Fold problems into Discord's nested ``errors`` tree under code 50035."""
    errors: Json = {}
    for problem in problems:
        node = errors
        for part in (p for p in problem.path.split(".") if p):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return DiscordError(400, 50035, "Invalid Form Body", errors)


def raise_problems(problems: list[Problem]) -> None:
    """Raise the 50035 error when any check failed."""
    if problems:
        raise form_error(problems)


def join(prefix: str, name: str | int) -> str:
    """``prefix.name``, or just ``name`` at the root."""
    return f"{prefix}.{name}" if prefix else str(name)


def length(value: Any, path: str, limit: int) -> Iterator[Problem]:
    """``too_long`` when ``value`` is a string past ``limit``."""
    if isinstance(value, str) and len(value) > limit:
        yield too_long(path, limit)
