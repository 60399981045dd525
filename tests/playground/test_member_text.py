"""The playground's doors for members' text (issue 29): the same sanitiser, the same sentences as Discord's.

The shared cases and the sentence every path answers are in tests/proof/test_member_text.py.
"""

from __future__ import annotations

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.playground.members import GUILD_ID
from bot.services import Services
from tests.playground.test_routes import WRITE
from tests.proof.test_member_text import HOSTILE, WORDLESS, hostile_verse, sentence
from tests.workshop.songs import a_song


@pytest.mark.parametrize("character", HOSTILE.values(), ids=HOSTILE.keys())
async def test_the_playground_refuses_each_character_in_a_revision_and_a_theme(
    client: TestClient[object, object], character: str
) -> None:
    """A theme in the page's JSON and lyrics in its Revise form: refused with the same sentences (a lone
    surrogate has no UTF-8 form, so only JSON's ``\\ud800`` can carry one: refused as not valid Unicode)."""
    made = await client.post(
        "/api/songs", json={"member": "you", "what": "lyrics", "theme": "harbour lights", "seed": 7}, headers=WRITE
    )
    song = (await made.json())["song"]["id"]
    if character != "\ud800":
        form = FormData(default_to_multipart=True)
        form.add_field("member", "ana")
        form.add_field("lyrics", hostile_verse(character))
        revision = await client.post(f"/api/songs/{song}/versions/1/revisions", data=form, headers=WRITE)
        assert revision.status == 400
        assert (await revision.json())["error"] == sentence(character)
    theme = await client.post(
        "/api/songs", json={"member": "you", "what": "lyrics", "theme": f"harbour {character}lights"}, headers=WRITE
    )
    assert theme.status == 400
    kind = "a non-character" if character == "\ufffe" else "a control character"
    expected = (
        "That request has text that isn't valid Unicode (a lone surrogate)."
        if character == "\ud800"
        else f"That brief doesn't work: the theme has {kind} (U+{ord(character[0]):04X})."
    )
    assert (await theme.json())["error"] == expected


async def test_the_playground_refuses_add_melody_on_wordless_lyrics_without_spending(
    client: TestClient[object, object], playground_services: Services
) -> None:
    song = await a_song(playground_services, WORDLESS, guild_id=GUILD_ID)
    refused = await client.post(f"/api/songs/{song.id}/versions/1/melody", json={"member": "you"}, headers=WRITE)
    assert refused.status == 400
    assert (await refused.json())["error"].startswith("v1 has no words to sing")
    assert await playground_services.usage.used_today(GUILD_ID) == 0
    assert len(await playground_services.songs.versions(song.id)) == 1
