"""Nonces that make a channel post happen once across crashes, through Discord's ``enforce_nonce``.

A job retried after its worker died, or a results claim whose lease ran out, posts again. With the same nonce,
derived from what the post is for, Discord returns the message the first attempt made (if it made one in the
past few minutes) instead of creating a second. discord.py sends ``enforce_nonce`` with every nonce it is given.
A retry later than those few minutes would post again: the leases and stall windows before a retry are seconds.
"""

from __future__ import annotations

MAX_NONCE = 25
"""Discord's limit on a nonce's length."""


def nonce(*parts: str | int) -> str:
    """The nonce of one recorded posting step, e.g. ``nonce("so", 12, "results")`` -> ``so-12-results``."""
    text = "-".join(str(part) for part in parts)
    if len(text) > MAX_NONCE:
        raise ValueError(f"a nonce is at most {MAX_NONCE} characters: {text!r}")
    return text
