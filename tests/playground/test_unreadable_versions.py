"""A version whose stored melody can't be read (left by an upload before melodies were checked) breaks no page."""

from __future__ import annotations

import io
import zipfile

from aiohttp.test_utils import TestClient

from bot.db.songs import NewVersion
from bot.services import Services
from tests.songwriting.music import hostile

Client = TestClient[object, object]
WRITE = {"X-Soundoff-Playground": "1"}


async def test_the_channel_and_every_listing_answer_around_an_unreadable_melody(
    client: Client, playground_services: Services
) -> None:
    """The channel, the thread, history, diff, credits and export answer 200; the version says what is wrong."""
    body = {"member": "you", "what": "lyrics", "theme": "rain on the night bus home", "seed": 7}
    made = await client.post("/api/songs", json=body, headers=WRITE)
    song = (await made.json())["song"]["id"]
    v1 = await playground_services.songs.version(song, 1)
    assert v1 is not None
    bad = NewVersion("human-revision", 11, "Ana", v1.lyrics, hostile.pre_fix_melody(), parent=1)
    await playground_services.songs.add_version(song, bad)
    for path in (
        "/api/channel",
        f"/api/songs/{song}",
        f"/api/songs/{song}/history",
        f"/api/songs/{song}/diff?a=v1&b=v2",
        f"/api/songs/{song}/credits?version=v2",
    ):
        response = await client.get(path)
        assert response.status == 200, (path, await response.text())
    thread = await (await client.get(f"/api/songs/{song}")).json()
    v2 = thread["versions"][1]
    assert (v2["melody"], v2["notes"]) == (None, ["v2's melody could not be read, so its files are left out."])
    export = await client.get(f"/api/songs/{song}/versions/2/export")
    assert export.status == 200
    assert "lyrics.txt" in zipfile.ZipFile(io.BytesIO(await export.read())).namelist()
    score = await client.get(f"/api/songs/{song}/versions/2/files/score.png")
    assert (score.status, (await score.json())["error"]) == (404, "v2 has no Score.")
