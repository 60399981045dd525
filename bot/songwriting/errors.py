"""The domain's one error base: a request it cannot fulfil as asked, with a message written for the member.

A UserFacingError, so the error router shows it as it is and workflows need not re-raise it; a ValueError,
so code that validates values (the studio, the brief) keeps catching it as one.
"""

from __future__ import annotations

from bot.errors import UserFacingError


class DomainError(UserFacingError, ValueError):
    """A version, sound-off, melody file or setting the domain refuses; the message says what to do instead."""
