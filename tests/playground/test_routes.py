"""The playground's HTTP routes through aiohttp's test client: what the page sends, what the workshop answers.

Real parts throughout: the workshop on a fresh SQLite file, the offline writer, the render pool. Each route
answers with what its Discord command or button would show, and refuses with the same sentences.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.playground.members import GUILD_ID, MEMBERS
from tests.playground.conftest import playground

Client = TestClient[object, object]
WRITE = {"X-Soundoff-Playground": "1"}
ABC = "X:1\nT:Tune\nM:4/4\nL:1/4\nK:C\nC D E F | G A B c | c B A G | F E D C |]\n"


async def _post(client: Client, path: str, body: object, status: int = 201) -> dict[str, object]:
    response = await client.post(path, json=body, headers=WRITE)
    data = await response.json()
    assert response.status == status, data
    return data


async def _song(client: Client, *, what: str = "lyrics", member: str = "you", **brief: object) -> dict[str, object]:
    body = {"member": member, "what": what, "theme": "rain on the night bus home", "seed": 7, **brief}
    return await _post(client, "/api/songs", body)


async def _revise(client: Client, song: int, parent: int, text: str, member: str = "ana", status: int = 201) -> dict:
    form = FormData(default_to_multipart=True)  # as a browser's FormData is sent
    form.add_field("member", member)
    form.add_field("lyrics", text)
    response = await client.post(f"/api/songs/{song}/versions/{parent}/revisions", data=form, headers=WRITE)
    data = await response.json()
    assert response.status == status, data
    return data


def _body(version: dict) -> str:
    return str(version["body"])


def _edited(version: dict, line: str) -> str:
    """The version's lyrics with the first sung line replaced."""
    lines = _body(version).split("\n")
    lines[1] = line
    return "\n".join(lines)


async def test_the_page_and_its_files_carry_a_strict_policy(client: Client) -> None:
    """The page, its scripts and its errors all carry the Content-Security-Policy and nosniff."""
    for path in ("/", "/static/main.js", "/static/playground.css", "/api/songs/99"):
        response = await client.get(path)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = await (await client.get("/")).text()
    assert '<script type="module" src="/static/main.js"></script>' in page
    assert "<script>" not in page
    assert " on" not in page.split("<body>")[1].split("=")[0]


async def test_bootstrap_lists_the_members_and_the_brief_choices(client: Client) -> None:
    """The page learns the pretend members, forms and limits from the server."""
    data = await (await client.get("/api/bootstrap")).json()
    assert [m["key"] for m in data["members"]] == [m.key for m in MEMBERS]
    assert "verse-chorus" in data["forms"]
    assert data["limits"]["revision"] == 4000
    assert data["writer"] == "offline writer"


async def test_other_hosts_and_foreign_writes_are_refused(client: Client) -> None:
    """A rebound host name gets nothing; a write without the page's header or from another origin is refused."""
    assert (await client.get("/api/bootstrap", headers={"Host": "evil.example"})).status == 421
    assert (await client.post("/api/songs", json={})).status == 403
    foreign = {**WRITE, "Origin": "http://evil.example"}
    assert (await client.post("/api/songs", json={}, headers=foreign)).status == 403


async def test_a_song_draft_shows_as_in_discord(client: Client) -> None:
    """/cowrite song: v1 with the disclosure footer, prosody, melody summary, score, audio and the three files."""
    made = await _song(client, what="song")
    version = made["version"]
    assert version["footer"] == "AI draft · v1 · offline writer · seed 7"
    assert version["prosody"][0]["lines"][0]["syllables"] > 0
    assert version["melody"]
    assert version["score"]
    assert version["audio"]
    assert [f["name"] for f in version["files"]] == ["melody.mid", "lead-sheet.musicxml", "melody.abc", "lyrics.txt"]
    channel = await (await client.get("/api/channel")).json()
    assert [s["song"]["id"] for s in channel["songs"]] == [made["song"]["id"]]
    files = f"/api/songs/{made['song']['id']}/versions/1/files/"
    assert (await (await client.get(files + "score.png")).read()).startswith(b"\x89PNG")
    assert (await (await client.get(files + "melody.mid")).read()).startswith(b"MThd")
    assert b"<score-partwise" in await (await client.get(files + "lead-sheet.musicxml")).read()
    assert (await (await client.get(files + "melody.abc")).text()).startswith("X:")
    lyrics = await (await client.get(files + "lyrics.txt?download=1")).text()
    assert lyrics.rstrip().endswith("Lyrics: AI draft (offline writer); melody: AI draft (melody sketcher), Sound Off")


async def test_the_audio_preview_is_served_in_ranges(client: Client) -> None:
    """The player asks for byte ranges to find an OGG's length; the server answers 206 with Content-Range."""
    song = (await _song(client, what="song"))["song"]["id"]
    url = f"/api/songs/{song}/versions/1/files/preview.ogg"
    whole = await (await client.get(url)).read()
    assert whole.startswith(b"OggS")
    assert b"OpusHead" in whole[:200]
    part = await client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert await part.read() == whole[:100]
    tail = await client.get(url, headers={"Range": "bytes=-10"})
    assert await tail.read() == whole[-10:]
    assert (await client.get(url, headers={"Range": f"bytes={len(whole)}-"})).status == 416


async def test_an_instrumental_and_a_lyrics_only_draft(client: Client) -> None:
    """/cowrite melody without a song writes an instrumental; /cowrite lyrics has no melody files."""
    instrumental = (await _song(client, what="instrumental"))["version"]
    assert instrumental["prosody"] is None
    assert instrumental["melody"]
    lyrics = await _song(client)
    assert lyrics["version"]["melody"] is None
    missing = await client.get(f"/api/songs/{lyrics['song']['id']}/versions/1/files/score.png")
    assert missing.status == 404
    assert (await missing.json())["error"] == "v1 has no Score."


@pytest.mark.parametrize(
    ("brief", "message"),
    [
        ({"theme": ""}, "Give the song a theme: what is it about?"),
        ({"theme": "x" * 201}, "The theme is 201 characters; the limit is 200."),
        ({"syllables": 30}, "Syllables per line must be a whole number from 4 to 16."),
        (
            {"rhyme_scheme": "A1"},
            "That brief doesn't work: the rhyme scheme is 2–8 letters such as ABAB, AABB or XAXA.",
        ),
        ({"what": "song", "key": "H major"}, "That doesn't work:"),
        ({"member": "mallory"}, "Pick a member from the list first."),
        ({"what": "opera"}, "Choose what to write"),
    ],
)
async def test_a_bad_brief_gets_the_members_sentence(client: Client, brief: dict, message: str) -> None:
    """Bad input is refused with a sentence the page shows beside the form; nothing is generated."""
    data = await _post(client, "/api/songs", {"member": "you", "theme": "a theme", **brief}, status=400)
    assert str(data["error"]).startswith(message)
    assert (await (await client.get("/api/channel")).json())["songs"] == []


async def test_a_cooldown_says_when_to_try_again(client: Client) -> None:
    """The server's cooldown applies to pretend members too, with the time left in the sentence."""
    await playground(client).workshop.settings.update(GUILD_ID, cooldown_seconds=60)
    await _song(client)
    data = await _post(client, "/api/songs", {"member": "you", "theme": "again"}, status=429)
    assert data["error"] == "You're on a short cooldown between generations. You can try again in 60 seconds."
    await _song(client, member="ana")  # another member is not held up


async def test_revisions_by_two_members_and_their_refusals(client: Client) -> None:
    """Revise makes a child of the version revised, credited to the member; an unchanged text is refused."""
    song = (await _song(client))["song"]["id"]
    v1 = (await (await client.get(f"/api/songs/{song}")).json())["versions"][0]
    v2 = (await _revise(client, song, 1, _edited(v1, "I write your name across the glass")))["version"]
    assert v2["heading"] == "v2 by Ana, from v1 · +0 ~1 −0 lines"
    assert v2["footer"] == "Revision · v2 · by Ana"
    v3 = (await _revise(client, song, 1, _edited(v1, "The driver hums at every stop"), member="ben"))["version"]
    assert (v3["parent"], v3["author"]) == (1, "Ben")
    same = await _revise(client, song, 2, _body(v2), status=400)
    assert same["error"] == "That's identical to v2, so nothing was saved. Change a line first."
    long = await _revise(client, song, 2, "x" * 4001, status=400)
    assert long["error"] == "That revision is 4001 characters; the limit is 4000. Split the song up."
    response = await client.post(f"/api/songs/{song}/versions/1/revisions", json={}, headers=WRITE)
    assert (await response.json())["error"] == "Send the revision from the Revise form."


async def test_a_melody_file_becomes_a_version_and_an_oversized_one_is_measured(client: Client) -> None:
    """An ABC file is read, rendered and kept; a 1.2 MB file is refused by its size, as in Discord."""
    song = (await _song(client))["song"]["id"]
    form = FormData()
    form.add_field("member", "ben")
    form.add_field("lyrics", "")
    form.add_field("melody", io.BytesIO(ABC.encode()), filename="tune.abc")
    made = await client.post(f"/api/songs/{song}/versions/1/revisions", data=form, headers=WRITE)
    version = (await made.json())["version"]
    assert version["melody"]
    assert version["heading"].endswith("new melody")
    big = FormData()
    big.add_field("member", "ben")
    big.add_field("melody", io.BytesIO(b"X" * 1_200_000), filename="huge.mid")
    refused = await client.post(f"/api/songs/{song}/versions/1/revisions", data=big, headers=WRITE)
    assert (await refused.json())["error"] == "`huge.mid` is 1.2 MB; melody files may be 1 MB at most."


async def test_regenerate_add_melody_and_delete(client: Client) -> None:
    """Regenerate writes a sibling (or a child for one section); Add melody sets the words; only the owner deletes."""
    song = (await _song(client))["song"]["id"]
    sibling = (await _post(client, f"/api/songs/{song}/versions/1/regenerate", {"member": "ana"}))["version"]
    assert (sibling["kind"], sibling["parent"], sibling["heading"]) == (
        "ai-variation",
        None,
        "A new AI draft beside v1, asked by Ana",
    )
    chorus = await _post(client, f"/api/songs/{song}/versions/1/regenerate", {"member": "ana", "section": "Chorus"})
    assert chorus["version"]["parent"] == 1
    gone = await _post(client, f"/api/songs/{song}/versions/1/regenerate", {"member": "ana", "section": "Coda"}, 400)
    assert gone["error"] == "That section no longer exists in this version."
    melody = (await _post(client, f"/api/songs/{song}/versions/1/melody", {"member": "ben"}))["version"]
    assert melody["melody"]
    assert melody["heading"] == "Melody for v1, asked by Ben"
    again = (await _post(client, f"/api/songs/{song}/versions/{melody['number']}/melody", {"member": "ana"}))["version"]
    assert again["heading"] == f"A new melody for v{melody['number']}, asked by Ana"
    refused = await client.delete(f"/api/songs/{song}", json={"member": "ana"}, headers=WRITE)
    assert refused.status == 403
    assert (await refused.json())["error"] == "Only the song's owner or a moderator can delete this song."
    deleted = await client.delete(f"/api/songs/{song}", json={"member": "you"}, headers=WRITE)
    assert "Every version is still kept." in (await deleted.json())["message"]
    assert (await (await client.get(f"/api/songs/{song}")).json())["error"] == "That song was deleted."


async def test_history_diff_credits_and_export(client: Client) -> None:
    """The library: the tree, a diff, the credits (AI disclosed, never an author) and the export zip."""
    song = (await _song(client))["song"]["id"]
    v1 = (await (await client.get(f"/api/songs/{song}")).json())["versions"][0]
    await _revise(client, song, 1, _edited(v1, "I write your name across the glass"))
    tree = (await (await client.get(f"/api/songs/{song}/history")).json())["tree"]
    assert [(n["label"], n["depth"], n["author"], n["counts"]) for n in tree] == [
        ("v1", 0, "AI", "+16 ~0 −0"),
        ("v2", 1, "Ana", "+0 ~1 −0"),
    ]
    diff = await (await client.get(f"/api/songs/{song}/diff?a=v1&b=v2")).json()
    assert [line["new"] for line in diff["lines"] if line["op"] == "~"] == ["I write your name across the glass"]
    bad = await client.get(f"/api/songs/{song}/diff?a=v1&b=latest")
    assert bad.status == 400
    credits = await (await client.get(f"/api/songs/{song}/credits?version=v2")).json()
    assert [(a["name"], a["lines"]) for a in credits["authors"]] == [("Ana", 1)]
    assert credits["ai_lines"] == 15
    assert "never listed as an author" in credits["disclosure"]
    export = await client.get(f"/api/songs/{song}/versions/2/export")
    assert "attachment" in export.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(await export.read())).namelist()
    assert {"lyrics.txt", "credits.md", "song.json"} <= set(names)


async def _soundoff(client: Client) -> tuple[int, dict]:
    song = (await _song(client, what="song"))["song"]["id"]
    v1 = (await (await client.get(f"/api/songs/{song}")).json())["versions"][0]
    await _revise(client, song, 1, _edited(v1, "I write your name across the glass"))
    await _revise(client, song, 1, _edited(v1, "The driver hums at every stop"), member="ben")
    return song, await _post(client, f"/api/songs/{song}/soundoffs", {"member": "you", "duration": "2m"})


async def test_a_blind_soundoff_from_start_to_results(client: Client) -> None:
    """Start (owner only), votes changed, only the count while open, end (owner), results with the reveal, stats."""
    song = (await _song(client))["song"]["id"]
    early = await _post(client, f"/api/songs/{song}/soundoffs", {"member": "you"}, status=400)
    assert str(early["error"]).startswith("Nobody has revised this song yet.")
    song, view = await _soundoff(client)
    refused = await _post(client, f"/api/songs/{song}/soundoffs", {"member": "ana"}, status=403)
    assert refused["error"] == "Only the song's owner or a moderator can start a sound-off on this song."
    assert view["blind"]
    assert view["open"]
    assert view["votes"] == 0
    assert view["results"] is None
    assert all(set(o) == {"label", "lyrics", "audio"} for o in view["options"]), "blind: no version, no author"
    assert view["closes_at"] == pytest.approx(time.time() + 120, abs=5)
    soundoff = view["id"]
    vote = f"/api/soundoffs/{soundoff}/votes"
    first = await _post(client, vote, {"member": "ana", "label": "A"}, status=200)
    assert first["message"].startswith("You voted A — you can change it until it closes in ")
    await _post(client, vote, {"member": "ben", "label": "B"}, status=200)
    changed = await _post(client, vote, {"member": "ana", "label": "B"}, status=200)
    assert changed["message"].startswith("You changed your vote from A to B")
    assert changed["votes"] == 2
    assert (await _post(client, vote, {"member": "ana", "label": "Z"}, status=400))["error"].startswith("That option")
    shown = await (await client.get(f"/api/soundoffs/{soundoff}")).json()
    assert shown["votes"] == 2
    assert shown["results"] is None
    assert (await client.get(f"/api/soundoffs/{soundoff}/chart.png")).status == 404, "no tallies while open"
    with_audio = next(o for o in shown["options"] if o["audio"])
    assert (await (await client.get(with_audio["audio"])).read()).startswith(b"OggS")
    end = f"/api/soundoffs/{soundoff}/end"
    assert (await _post(client, end, {"member": "ben"}, status=403))["error"].startswith("Only the song's owner")
    closed = await _post(client, end, {"member": "you"}, status=200)
    results = closed["results"]
    assert results["summary"] == "Option B wins by 2 votes."
    assert results["tally"] == "Final tally: A 0 · B 2 · C 0"  # a closed ballot shows its tallies
    assert "The AI wrote option" in results["reveal"]
    assert all("who" in o for o in closed["options"]), "revealed once closed"
    assert all(o["audio"] for o in closed["options"]), "every option of a song with music is heard"
    assert (await (await client.get(results["chart"])).read()).startswith(b"\x89PNG")
    late = await _post(client, vote, {"member": "cleo", "label": "A"}, status=400)
    assert late["error"] == "This sound-off has closed."
    stats = await (await client.get("/api/stats")).json()
    assert stats["held"] == 1
    assert stats["ai_wins"] + stats["human_wins"] == 1


async def test_a_short_soundoff_is_ended_early_by_its_starter(client: Client) -> None:
    """The playground's early end closes it through the workshop's End and clock, and tells open pages."""
    _, view = await _soundoff(client)
    events = await client.get("/api/events")
    assert (await events.content.readline()).startswith(b"retry:")
    pg = playground(client)
    soundoff = await pg.workshop.soundoffs.get(int(view["id"]))
    pg.early_ends.schedule(soundoff, MEMBERS[0].actor, 0.05)
    async with asyncio.timeout(10):
        while True:
            line = await events.content.readline()
            if line.startswith(b"data:") and json.loads(line[5:])["kind"] == "soundoff-closed":
                break
    closed = await (await client.get(f"/api/soundoffs/{view['id']}")).json()
    assert not closed["open"]
    assert closed["results"]["summary"] == "No votes were cast."
    events.close()


async def test_missing_things_are_404_with_a_sentence(client: Client) -> None:
    """Unknown songs, versions, files and sound-offs answer 404 with what is missing."""
    song = (await _song(client))["song"]["id"]
    for path, message in [
        ("/api/songs/999", "That song no longer exists."),
        ("/api/songs/abc", "That doesn't exist."),
        (f"/api/songs/{song}/versions/9/files/lyrics.txt", "That version no longer exists."),
        (f"/api/songs/{song}/versions/1/files/secrets.txt", "A version has no such file."),
        ("/api/soundoffs/5", "That sound-off doesn't exist."),
    ]:
        response = await client.get(path)
        assert (response.status, (await response.json())["error"]) == (404, message), path


async def test_the_channel_orders_a_soundoff_after_its_song(client: Client) -> None:
    """A ballot is dated when it is posted, so the channel shows it under the song it is about."""
    song, view = await _soundoff(client)
    channel = await (await client.get("/api/channel")).json()
    (entry,) = channel["songs"]
    assert entry["song"]["id"] == song
    assert view["opened_at"] >= entry["song"]["created_at"]
    assert view["opened_at"] == pytest.approx(time.time(), abs=30)


async def test_remix_and_notes_as_the_bot_has_them(client: Client) -> None:
    """Remix writes a new AI draft from the edited brief beside the version, its notes saying what changed; Notes
    gives a member's version line notes privately, and posts them in the thread when asked."""
    song = (await _song(client, what="song"))["song"]["id"]
    brief = await (await client.get(f"/api/songs/{song}/brief")).json()
    assert brief["theme"] == "rain on the night bus home"
    assert brief["has_brief"]
    body = {"member": "ana", **{k: v for k, v in brief.items() if k != "has_brief"}, "mood": "defiant"}
    remixed = (await _post(client, f"/api/songs/{song}/versions/1/remix", body))["version"]
    assert remixed["heading"] == "A remix of v1, asked by Ana"
    assert remixed["notes"][0] == "Remixed from v1: mood — → defiant."
    assert remixed["melody"]  # a words-and-music draft remixes as one
    bad = await _post(client, f"/api/songs/{song}/versions/1/remix", {**body, "theme": ""}, 400)
    assert bad["error"] == "Give the song a theme: what is it about?"
    v1 = (await (await client.get(f"/api/songs/{song}")).json())["versions"][0]
    revised = (await _revise(client, song, 1, _edited(v1, "I write your name across the glass")))["version"]
    found = await _post(client, f"/api/songs/{song}/versions/{revised['number']}/notes", {"member": "ben"}, 200)
    assert found["heading"] == f"Notes on v{revised['number']} of {revised['title'].rsplit(' · ', 1)[0]}"
    assert found["notes"]
    await _post(client, f"/api/songs/{song}/versions/{revised['number']}/notes", {"member": "ben", "post": True}, 200)
    thread = await (await client.get(f"/api/songs/{song}")).json()
    shown = next(v for v in thread["versions"] if v["number"] == revised["number"])
    assert f"{found['heading']}, asked for by Ben:" in shown["notes"]


async def test_a_lyric_revision_in_the_playground_carries_the_melody(client: Client) -> None:
    """The Revise form on a words-and-music version: the new version has the tune, and says so."""
    song = (await _song(client, what="song"))["song"]["id"]
    v1 = (await (await client.get(f"/api/songs/{song}")).json())["versions"][0]
    revised = (await _revise(client, song, 1, _edited(v1, "I write your name across the glass")))["version"]
    assert revised["melody"]
    assert revised["audio"]
    assert revised["notes"][0] == "Melody carried from v1; line 1 re-set to the new words."
    assert revised["heading"].endswith("melody carried from v1")


async def test_an_instrumental_needs_no_theme(client: Client) -> None:
    """A melody-only draft is music alone: no theme is asked for."""
    made = await _post(client, "/api/songs", {"member": "you", "what": "instrumental", "theme": "", "seed": 3})
    assert made["version"]["melody"]
