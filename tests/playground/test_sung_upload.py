"""The playground's melody upload takes a sung recording larger than a melody file's 1 MB, whole."""

from __future__ import annotations

import io

from aiohttp import FormData

from tests.playground.test_routes import WRITE, Client, _song
from tests.songwriting.music.sung_corpus import melody_case


async def test_a_sung_wav_over_a_megabyte_becomes_a_melody_version(client: Client) -> None:
    song = (await _song(client))["song"]["id"]
    wav = melody_case(1, 90).wav()
    assert len(wav) > 1_200_000
    form = FormData()
    form.add_field("member", "ben")
    form.add_field("lyrics", "")
    form.add_field("melody", io.BytesIO(wav), filename="humming.wav")
    made = await client.post(f"/api/songs/{song}/versions/1/revisions", data=form, headers=WRITE)
    body = await made.json()
    assert made.status < 300, body
    assert body["version"]["melody"]
    assert "confidence" in str(body)
