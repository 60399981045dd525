"""What every request handler reaches: the workshop and the playground's own pieces around it."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.errors import NotFoundError
from bot.playground.board import PlaygroundBoard
from bot.playground.early_ends import EarlyEnds
from bot.playground.feed import Feed
from bot.playground.members import GUILD_ID, MEMBERS, thread_id
from bot.playground.posts import Posts
from bot.playground.renders import Renders
from bot.workshop.records import Song, Soundoff, Version
from bot.workshop.workshop import Workshop


@dataclass(frozen=True, slots=True)
class Playground:
    workshop: Workshop
    renders: Renders
    posts: Posts
    board: PlaygroundBoard
    feed: Feed
    early_ends: EarlyEnds

    @classmethod
    def around(cls, workshop: Workshop) -> Playground:
        """The playground's pieces for one workshop; its board is attached to the workshop's sound-off clock."""
        feed = Feed()
        playground = cls(workshop, Renders(workshop.drafts), Posts(), PlaygroundBoard(feed), feed, EarlyEnds(workshop))
        workshop.clock.attach(playground.board)
        return playground

    async def song(self, song_id: int) -> Song:
        """A song of the pretend server that still exists (the workshop's message when it doesn't)."""
        return await self.workshop.songs.by_id(GUILD_ID, song_id)

    async def version(self, song: Song, number: int) -> Version:
        return await self.workshop.songs.numbered(song, number)

    async def latest_soundoff(self, song: Song) -> Soundoff | None:
        """The song's open (or latest) sound-off, found through its thread as /soundoff results finds it."""
        try:
            return await self.workshop.soundoffs.resolve(MEMBERS[0].actor, thread_id(song.id), None)
        except NotFoundError:
            return None


PLAYGROUND = web.AppKey("playground", Playground)


def playground_of(request: web.Request) -> Playground:
    return request.app[PLAYGROUND]
