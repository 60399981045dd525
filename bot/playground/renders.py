"""The rendered files of versions (score, audio, MIDI, MusicXML, ABC), kept while the playground runs.

A draft arrives with its files; a page opened later asks for them again, one request per file. Versions are
immutable, so a render never goes stale: keeping the last few saves re-rendering a song for every image and
player on the page, and requests that arrive together for one version share one render.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from bot.workshop.delivery import Delivery
from bot.workshop.drafts import Drafts
from bot.workshop.records import Song, Version

CAPACITY = 48
"""Renders kept (a sketch's files are about half a megabyte)."""

Key = tuple[int, int]


class Renders:
    def __init__(self, drafts: Drafts, capacity: int = CAPACITY) -> None:
        self._drafts = drafts
        self._capacity = capacity
        self._kept: OrderedDict[Key, Delivery] = OrderedDict()
        self._pending: dict[Key, asyncio.Future[Delivery]] = {}

    def keep(self, delivery: Delivery) -> None:
        """Remember what a generation or revision just rendered, so showing it costs nothing."""
        if delivery.version.melody is not None and delivery.files is None:
            return  # a lyric-only delivery of a version with a melody: render it properly when asked
        self._put((delivery.song.id, delivery.version.number), delivery)

    async def get(self, song: Song, version: Version) -> Delivery:
        """The version's files and disclosure, rendered through the workshop if they are not kept."""
        key = (song.id, version.number)
        if (kept := self._kept.get(key)) is not None:
            self._kept.move_to_end(key)
            return kept
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._drafts.render(song, version))
            self._pending[key] = pending
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
        delivery = await asyncio.shield(pending)
        self._put(key, delivery)
        return delivery

    def _put(self, key: Key, delivery: Delivery) -> None:
        self._kept[key] = delivery
        self._kept.move_to_end(key)
        while len(self._kept) > self._capacity:
            self._kept.popitem(last=False)
