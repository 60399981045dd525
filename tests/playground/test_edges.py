"""The playground API's edges through the real aiohttp server (issue 29): hostile bodies, ranges and origins.

Each is the sender's mistake and gets a 4xx with a sentence the page can show, never a 500 with a traceback.
"""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.playground.test_routes import WRITE, _song

Client = TestClient[object, object]
JSON = {**WRITE, "Content-Type": "application/json"}
BRIEF = '{"member": "you", "what": "lyrics", "seed": 7, "theme": %s}'


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "That request's JSON is nested too deeply."),
        (b'{"member": "you", "theme": "rain \xff\xfe on the bus"}', "That request wasn't UTF-8 text."),
        ((BRIEF % ("1" * 4301)).encode(), "That request has a number too long to read."),
        (b'{"seed": ' + b"9" * 5000 + b"}", "That request has a number too long to read."),
        ((BRIEF % '"\\ud800 rain on the bus"').encode(), "That request has text that isn't valid Unicode"),
        (b'{"theme": "unclosed', "That request wasn't valid JSON."),
    ],
    ids=["nested-100000", "invalid-utf8", "int-4301-digits", "int-5000-digits", "lone-surrogate", "truncated"],
)
async def test_a_hostile_json_body_is_400_with_a_sentence(client: Client, body: bytes, sentence: str) -> None:
    response = await client.post("/api/songs", data=body, headers=JSON)
    assert response.status == 400, await response.text()
    assert (await response.json())["error"].startswith(sentence)


async def test_a_50_mb_json_body_is_413_in_terms_of_json(client: Client) -> None:
    """Refused by its declared size before it is read, with a sentence about JSON (not about melody files)."""
    response = await client.post("/api/songs", data=b" " * 50_000_000, headers=JSON)
    assert response.status == 413
    assert (await response.json())["error"] == "That request is too big: the playground takes at most 256 KB of JSON."


async def test_a_range_past_any_file_is_416_and_a_huge_end_or_suffix_is_the_whole_file(client: Client) -> None:
    """Numbers of 5,000 digits (past Python's conversion limit) are positions past the end, not a crash."""
    song = (await _song(client, what="song"))["song"]["id"]
    url = f"/api/songs/{song}/versions/1/files/preview.ogg"
    whole = await (await client.get(url)).read()
    nines = "9" * 5000
    past = await client.get(url, headers={"Range": f"bytes={nines}-"})
    assert past.status == 416
    assert past.headers["Content-Range"] == f"bytes */{len(whole)}"
    for asked in (f"bytes=0-{nines}", f"bytes=-{nines}"):
        part = await client.get(url, headers={"Range": asked})
        assert part.status == 206, asked
        assert await part.read() == whole


async def test_files_may_not_be_embedded_by_other_sites(client: Client) -> None:
    """Cross-Origin-Resource-Policy on every file (and everything else): another page's <img> or <audio> of a
    version gets nothing, so it can neither make this server render nor learn which versions exist."""
    song = (await _song(client, what="song"))["song"]["id"]
    for name in ("score.png", "preview.ogg", "melody.mid", "lyrics.txt"):
        response = await client.get(f"/api/songs/{song}/versions/1/files/{name}")
        assert response.status == 200, name
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin", name
    missing = await client.get(f"/api/songs/{song}/versions/9/files/score.png")
    assert missing.headers["Cross-Origin-Resource-Policy"] == "same-origin"


async def test_the_origin_check_compares_the_scheme_too(client: Client) -> None:
    """A write whose Origin has this host and port but another scheme comes from another origin: refused."""
    here = f"{client.server.host}:{client.server.port}"
    body = {"member": "you", "what": "lyrics", "theme": "rain on the night bus home", "seed": 7}
    other = await client.post("/api/songs", json=body, headers={**WRITE, "Origin": f"https://{here}"})
    assert other.status == 403
    assert (await other.json())["error"] == "Writes come from the playground's own page only."
    own = await client.post("/api/songs", json=body, headers={**WRITE, "Origin": f"http://{here}"})
    assert own.status == 201
