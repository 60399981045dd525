"""Reading a song's past: its revision tree, diffs between versions, credits and the export zip."""

from __future__ import annotations

import io
import zipfile

from bot.db.songs import Song, Version
from bot.services import Services
from bot.songwriting.render.sketch_files import sketch_contents, song_document
from bot.songwriting.versions.credits import Authorship, Credits, Disclosure, attribute, render_split_sheet
from bot.songwriting.versions.revisions import LyricDiff, VersionTree, diff_lines, history_tree
from bot.songwriting.words.text import file_stem
from bot.workshop.drafts import Drafts
from bot.workshop.songs import version_nodes


def message_link(guild_id: int, version: Version) -> str | None:
    if version.channel_id is None or version.message_id is None:
        return None
    return f"https://discord.com/channels/{guild_id}/{version.channel_id}/{version.message_id}"


class Library:
    def __init__(self, services: Services, drafts: Drafts) -> None:
        self._s = services
        self._drafts = drafts

    async def history(self, song: Song) -> list[str]:
        """The revision tree as indented lines with jump links."""
        versions = await self._s.songs.versions(song.id)
        links = {v.number: link for v in versions if (link := message_link(song.guild_id, v))}
        return history_tree(version_nodes(versions), links)

    async def diff(self, song: Song, a: int, b: int) -> LyricDiff:
        """The line diff from version ``a`` to version ``b`` (melody-only versions carry their parent's words)."""
        tree = VersionTree(version_nodes(await self._s.songs.versions(song.id)))
        return diff_lines(tree.lyrics_of(a), tree.lyrics_of(b))

    async def credits(self, song: Song, version: Version) -> Credits:
        nodes = version_nodes(await self._s.songs.versions(song.id))
        return attribute(nodes, version.number)

    async def export(self, song: Song, version: Version) -> tuple[str, bytes]:
        """A zip named after the song holding the sketch files of one version and the song's credits."""
        credits = await self.credits(song, version)
        delivery = await self._drafts.render(song, version, lead_sheet=True)
        song_json = song_document(
            song.title,
            version.lyrics,
            delivery.melody,
            seed=version.seed,
            writer=version.writer if version.by_ai else version.author_name,
        )
        files = sketch_contents(
            {**song_json, "version": version.label},
            version.lyrics,
            delivery.files,
            render_split_sheet(credits, song.title),
            disclosure=delivery.disclosure or Disclosure(Authorship.of_lines(credits), None),
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return f"{file_stem(song.title, f'song-{song.id}')}-{version.label}.zip", buffer.getvalue()
