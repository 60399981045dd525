"""Which gateway shards a bot process owns (scale-out mode): a range ``A-B`` of the ``N`` shards Discord has.

Discord sends a server's events, interactions included, on shard ``(guild_id >> 22) % N`` (direct messages on
shard 0); each process opens one gateway connection per shard it owns and serves those servers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


@dataclass(frozen=True, slots=True)
class ShardRange:
    """Shards ``first`` to ``last``, both included."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if not 0 <= self.first <= self.last:
            raise ValueError(f"a shard range goes up from 0: {self.first}-{self.last}")

    @classmethod
    def parse(cls, text: str) -> ShardRange:
        """``"0-1"`` or ``"3"`` (one shard)."""
        match = _RANGE.match(text)
        if match is None:
            raise ValueError(f"expected shards as A-B or A, got {text!r}")
        first = int(match.group(1))
        return cls(first, int(match.group(2)) if match.group(2) is not None else first)

    @property
    def ids(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord sends this server's events on; direct messages (no server) come on shard 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count
