"""What the channel showed with each version when it was posted: the "what changed" line and the notes.

In Discord these live in the bot's messages; the database keeps only the versions. The playground keeps them
in memory while it runs (a restarted playground shows the versions without them, nothing else is lost).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Post:
    heading: str | None
    notes: tuple[str, ...]


class Posts:
    def __init__(self) -> None:
        self._posts: dict[tuple[int, int], Post] = {}

    def add(self, song_id: int, number: int, post: Post) -> None:
        self._posts[(song_id, number)] = post

    def get(self, song_id: int, number: int) -> Post | None:
        return self._posts.get((song_id, number))
