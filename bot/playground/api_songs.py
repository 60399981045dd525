"""Songs and versions over HTTP: the channel, new drafts, revisions, Regenerate, Add melody / New melody, Remix,
Notes, Delete, files, history, diff, credits and export — each the workshop call its Discord command or button
makes, and each AI post names who asked for it, as the bot's do.
"""

from __future__ import annotations

from aiohttp import web

from bot.errors import NotFoundError, UserFacingError
from bot.playground.context import Playground, playground_of
from bot.playground.feed import Event
from bot.playground.files import FILES, download_name
from bot.playground.inputs import Body, json_body, path_number, text, whole
from bot.playground.media import media_response
from bot.playground.members import CHANNEL_ID, GUILD_ID, MEMBERS, Member, member, thread_id
from bot.playground.posts import Post
from bot.playground.revision_form import read_revision_form
from bot.playground.views import credits_view, diff_view, history_view, song_view, version_view
from bot.songwriting.versions.revisions import VersionError, parse_version
from bot.songwriting.words.brief import FORMS, THEME_MAX, Brief
from bot.songwriting.words.text import file_stem
from bot.workshop.delivery import Delivery
from bot.workshop.drafts import MusicOptions, new_seed, song_brief
from bot.workshop.records import Song, Version
from bot.workshop.revising import MELODY_EXTENSIONS, MELODY_MAX_BYTES, REVISION_MAX_CHARS

routes = web.RouteTableDef()

CHANNEL_SONGS = 50
STYLE_MAX = 40
SEED_MAX = 999_999_999
KEYS = [f"{tonic} {mode}" for tonic in ("C", "G", "D", "A", "E", "F", "Bb", "Eb") for mode in ("major", "minor")]
METERS = ["4/4", "3/4", "6/8"]
RHYME_SCHEMES = ["ABAB", "AABB", "XAXA", "ABCB", "AAAA"]
_DEFAULT_BRIEF = Brief(theme="defaults")
"""Where the brief's defaults are read from when the page leaves a choice empty."""
WHAT = {"song": "Lyrics and a melody", "lyrics": "Lyrics only", "instrumental": "An instrumental melody"}
"""What a new draft holds: /cowrite song, /cowrite lyrics, /cowrite melody without a song."""


@routes.get("/api/bootstrap")
async def bootstrap(request: web.Request) -> web.Response:
    """The members, the brief's choices and the limits the page checks against (the server checks again)."""
    return web.json_response(
        {
            "members": [
                {"key": m.key, "name": m.name, "colour": m.colour, "moderator": m.is_moderator} for m in MEMBERS
            ],
            "what": [{"value": k, "label": v} for k, v in WHAT.items()],
            "forms": list(FORMS),
            "rhyme_schemes": RHYME_SCHEMES,
            "meters": METERS,
            "keys": KEYS,
            "limits": {
                "theme": THEME_MAX,
                "style": STYLE_MAX,
                "revision": REVISION_MAX_CHARS,
                "melody_bytes": MELODY_MAX_BYTES,
                "seed": SEED_MAX,
            },
            "melody_types": list(MELODY_EXTENSIONS),
            "writer": "LLM" if playground_of(request).workshop.settings.defaults.llm_configured else "offline writer",
        }
    )


@routes.get("/api/channel")
async def channel(request: web.Request) -> web.Response:
    """The co-writing channel: every song's first message (its thread's starter) and every sound-off."""
    playground = playground_of(request)
    workshop = playground.workshop
    songs = []
    for song in reversed(await workshop.songs.search(GUILD_ID, "", limit=CHANNEL_SONGS)):
        versions = await workshop.songs.versions(song)
        first = version_view(song, versions[0], playground.posts.get(song.id, versions[0].number))
        songs.append({"song": song_view(song, len(versions), versions[-1].number), "version": first})
    soundoffs = [soundoff_id for _, soundoff_id in await workshop.soundoffs.choices(GUILD_ID, "")]
    return web.json_response({"songs": songs, "soundoffs": sorted(soundoffs)})


@routes.get("/api/songs/{song}")
async def song_thread(request: web.Request) -> web.Response:
    """A song's thread: every version as its message shows it, and its open or latest sound-off."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    versions = await playground.workshop.songs.versions(song)
    soundoff = await playground.latest_soundoff(song)
    return web.json_response(
        {
            "song": song_view(song, len(versions), versions[-1].number if versions else None),
            "versions": [version_view(song, v, playground.posts.get(song.id, v.number)) for v in versions],
            "soundoff": soundoff.id if soundoff else None,
        }
    )


@routes.post("/api/songs")
async def new_song(request: web.Request) -> web.Response:
    """``/cowrite song|lyrics|melody``: an AI draft as v1 of a new song, in the channel with its thread."""
    playground = playground_of(request)
    drafts = playground.workshop.drafts
    body = await json_body(request)
    actor = member(body.get("member")).actor
    what = body.get("what") or "song"
    if what not in WHAT:
        raise UserFacingError("Choose what to write: lyrics and a melody, lyrics only, or an instrumental.")
    seed = whole(body, "seed", "The seed", 0, SEED_MAX)
    music = MusicOptions(
        key=text(body, "key", "The key", max_length=20),
        tempo=whole(body, "tempo", "The tempo", 40, 240),
        meter=text(body, "meter", "The metre", max_length=8),
        seed=seed,
    )
    if what == "instrumental":
        music.validated()
        await drafts.ensure_song_channel(actor, CHANNEL_ID)
        await drafts.claim(actor)
        delivery = await drafts.instrumental(actor, CHANNEL_ID, music)
    else:
        brief = _brief(body, seed)
        chosen = MusicOptions(music.key, music.tempo, music.meter, brief.seed).validated() if what == "song" else None
        await drafts.ensure_song_channel(actor, CHANNEL_ID)
        await drafts.claim(actor)  # after every check: a refused brief costs no generation
        delivery = await drafts.lyrics(actor, CHANNEL_ID, brief, chosen)
    await playground.workshop.songs.record_thread(delivery.song, thread_id(delivery.song.id))
    return _posted(playground, delivery, heading=None, status=201)


def _brief(body: Body, seed: int | None) -> Brief:
    """The member's brief; no seed picks a fresh one (the footer shows it, so the draft can be had again)."""
    theme = text(body, "theme", "The theme", max_length=THEME_MAX)
    if theme is None:
        raise UserFacingError("Give the song a theme: what is it about?")
    try:
        return Brief(
            theme=theme,
            genre=text(body, "genre", "The genre", max_length=STYLE_MAX),
            mood=text(body, "mood", "The mood", max_length=STYLE_MAX),
            form=text(body, "form", "The form", max_length=40) or _DEFAULT_BRIEF.form,
            rhyme_scheme=text(body, "rhyme_scheme", "The rhyme scheme", max_length=8) or _DEFAULT_BRIEF.rhyme_scheme,
            syllables=whole(body, "syllables", "Syllables per line", 4, 16) or _DEFAULT_BRIEF.syllables,
            seed=seed if seed is not None else new_seed(),
        )
    except ValueError as exc:
        raise UserFacingError(f"That brief doesn't work: {exc}.") from None


@routes.post("/api/songs/{song}/versions/{version}/revisions")
async def revise(request: web.Request) -> web.Response:
    """The Revise form: edited lyrics and/or a melody file, as a new version whose parent is this one."""
    playground = playground_of(request)
    song, parent = await _song_version(playground, request)
    form = await read_revision_form(request)
    author = member(form.member)
    delivery = await playground.workshop.revisions.submit(
        song, author.actor, text=form.text, upload=form.upload, parent=parent
    )
    return _posted(playground, delivery, heading=delivery.change_heading(parent), status=201)


@routes.post("/api/songs/{song}/versions/{version}/regenerate")
async def regenerate(request: web.Request) -> web.Response:
    """Regenerate: a new AI draft beside this version, or (``section``) a new take on one section as its child."""
    playground = playground_of(request)
    song, version = await _song_version(playground, request)
    body = await json_body(request)
    actor = member(body.get("member")).actor
    section = text(body, "section", "The section", max_length=40)
    drafts = playground.workshop.drafts
    if section is None:
        await drafts.claim(actor)
        delivery = await drafts.regenerate(song, version)
        heading = f"A new AI draft beside {version.label}, asked by {actor.name}"
    else:
        sections = version.lyrics.sections if version.lyrics else ()
        index = next((i for i, s in enumerate(sections) if s.label == section), None)
        if index is None:
            raise UserFacingError("That section no longer exists in this version.")
        await drafts.claim(actor)
        delivery = await drafts.vary_section(song, version, index)
        heading = f"A new take on the {section} of {version.label}, asked by {actor.name}"
    return _posted(playground, delivery, heading=heading, status=201)


@routes.post("/api/songs/{song}/versions/{version}/melody")
async def add_melody(request: web.Request) -> web.Response:
    """Add melody (words without music) or New melody (words with music): an AI melody in the song's frame set to
    this version's words, as a new AI version."""
    playground = playground_of(request)
    song, version = await _song_version(playground, request)
    actor = member((await json_body(request)).get("member")).actor
    base = await playground.workshop.drafts.melody_base(song, version)
    await playground.workshop.drafts.claim(actor)  # after the check: a refusal costs no generation
    delivery = await playground.workshop.drafts.add_melody(song, MusicOptions(), base)
    what = "A new melody" if version.melody is not None else "Melody"
    return _posted(playground, delivery, heading=f"{what} for {version.label}, asked by {actor.name}", status=201)


@routes.get("/api/songs/{song}/brief")
async def song_brief_route(request: web.Request) -> web.Response:
    """The brief a Remix form starts from (the song's own)."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    brief = song_brief(song)
    return web.json_response(
        {
            "theme": brief.theme,
            "genre": brief.genre,
            "mood": brief.mood,
            "form": brief.form,
            "rhyme_scheme": brief.rhyme_scheme,
            "syllables": brief.syllables,
            "has_brief": bool(song.theme),
        }
    )


@routes.post("/api/songs/{song}/versions/{version}/remix")
async def remix(request: web.Request) -> web.Response:
    """Remix: a new AI draft from the edited brief, beside this version (with music in the song's frame when it
    has a melody); its notes say what changed."""
    playground = playground_of(request)
    song, version = await _song_version(playground, request)
    body = await json_body(request)
    actor = member(body.get("member")).actor
    brief = _brief(body, None)
    drafts = playground.workshop.drafts
    await drafts.claim(actor)
    delivery = await drafts.remix(song, version, brief)
    return _posted(playground, delivery, heading=f"A remix of {version.label}, asked by {actor.name}", status=201)


@routes.post("/api/songs/{song}/versions/{version}/notes")
async def notes(request: web.Request) -> web.Response:
    """Notes: line notes on this version for the member who asked (``post``: shown to the whole thread)."""
    playground = playground_of(request)
    song, version = await _song_version(playground, request)
    body = await json_body(request)
    asker = member(body.get("member"))
    found = await playground.workshop.notes.for_version(asker.actor, song, version)
    heading = f"Notes on {version.label} of {song.title}"
    if body.get("post") is True:
        shown = playground.posts.get(song.id, version.number) or Post(None, ())
        posted = (*shown.notes, f"{heading}, asked for by {asker.name}:", *found.notes)
        playground.posts.add(song.id, version.number, Post(shown.heading, posted))
        playground.feed.publish(Event("song", song.id))
    return web.json_response({"heading": heading, "notes": list(found.notes)})


@routes.delete("/api/songs/{song}")
async def delete_song(request: web.Request) -> web.Response:
    """Delete (owner or moderator): the song leaves the lists; every version is kept."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    who: Member = member((await json_body(request)).get("member"))
    await playground.workshop.songs.delete(song, who.actor)
    playground.feed.publish(Event("song", song.id))
    message = f"Deleted {song.title}: it's gone from the lists and its buttons are off. Every version is still kept."
    return web.json_response({"message": message})


@routes.get("/api/songs/{song}/versions/{version}/files/{name}")
async def version_file(request: web.Request) -> web.Response:
    """One of a version's files (score, audio, MIDI, MusicXML, ABC, lyrics.txt); ``?download=1`` saves it."""
    playground = playground_of(request)
    song, version = await _song_version(playground, request)
    file = FILES.get(request.match_info["name"])
    if file is None:
        raise NotFoundError("A version has no such file.")
    data = file.read(await playground.renders.get(song, version))
    if data is None:
        raise NotFoundError(f"{version.label} has no {file.label}.")
    download = None
    if "download" in request.query:
        download = download_name(file_stem(song.title, f"song-{song.id}"), file.name)
    return media_response(request, data, file.content_type, download=download)


@routes.get("/api/songs/{song}/versions/{version}/export")
async def export(request: web.Request) -> web.Response:
    """``/export``: a zip of the version (lyrics, MIDI, lead sheet, audio, credits, song.json)."""
    playground = playground_of(request)
    song, version = await _song_version(playground, request)
    name, data = await playground.workshop.library.export(song, version)
    return media_response(request, data, "application/zip", download=name)


@routes.get("/api/songs/{song}/history")
async def history(request: web.Request) -> web.Response:
    """``/history``: the revision tree."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    tree = history_view(await playground.workshop.songs.versions(song))
    return web.json_response({"title": song.title, "tree": tree})


@routes.get("/api/songs/{song}/diff")
async def diff(request: web.Request) -> web.Response:
    """``/diff a b``: what changed between two versions."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    a, b = _version_number(request.query.get("a", "")), _version_number(request.query.get("b", ""))
    return web.json_response(diff_view(await playground.workshop.library.diff(song, a, b), a, b))


@routes.get("/api/songs/{song}/credits")
async def credits(request: web.Request) -> web.Response:
    """``/credits [version]``: who wrote which lines, the AI disclosed and never an author."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    version = await playground.workshop.songs.version(song, request.query.get("version") or None)
    return web.json_response(credits_view(await playground.workshop.library.credits(song, version)))


def _version_number(label: str) -> int:
    try:
        return parse_version(label)
    except VersionError as exc:
        raise UserFacingError(str(exc)) from None


async def _song_version(playground: Playground, request: web.Request) -> tuple[Song, Version]:
    song = await playground.song(path_number(request, "song"))
    return song, await playground.version(song, path_number(request, "version"))


def _posted(playground: Playground, delivery: Delivery, *, heading: str | None, status: int) -> web.Response:
    """Show a new version: keep its files and its message's extras, tell open pages, answer with it."""
    song, version = delivery.song, delivery.version
    playground.renders.keep(delivery)
    post = Post(heading, delivery.notes)
    playground.posts.add(song.id, version.number, post)
    playground.feed.publish(Event("song", song.id))
    # version numbers count up per song with nothing ever removed, so the new version's number is the count
    shown = {"song": song_view(song, version.number, version.number), "version": version_view(song, version, post)}
    return web.json_response(shown, status=status)
