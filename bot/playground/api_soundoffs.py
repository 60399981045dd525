"""Sound-offs over HTTP: start, vote (and change the vote), end, the ballot's previews, results and the chart,
and the server's stats — each the workshop call that ``/soundoff`` and its buttons make."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.errors import NotFoundError, UserFacingError
from bot.playground.board import posted_at
from bot.playground.context import Playground, playground_of
from bot.playground.feed import Event
from bot.playground.guard import retry_phrase
from bot.playground.inputs import flag, json_body, path_number, text
from bot.playground.media import media_response
from bot.playground.members import GUILD_ID, member, thread_id
from bot.playground.soundoff_views import soundoff_view, stats_view
from bot.songwriting.render.chart import bar_chart_png
from bot.workshop.records import Soundoff

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class Duration:
    """A choice on the page: the hours the workshop is asked for, and an early end for the short ones."""

    label: str
    hours: int | None
    early_end: float | None = None


DURATIONS = {
    "2m": Duration("2 minutes (playground)", 1, 120.0),
    "1h": Duration("1 hour", 1),
    "24h": Duration("24 hours", 24),
    "default": Duration("The server's default", None),
}


@routes.get("/api/soundoff-durations")
async def durations(request: web.Request) -> web.Response:
    return web.json_response([{"value": k, "label": d.label} for k, d in DURATIONS.items()])


@routes.post("/api/songs/{song}/soundoffs")
async def start(request: web.Request) -> web.Response:
    """``/soundoff start``: the AI draft against the latest human revisions (or the versions named), blind."""
    playground = playground_of(request)
    song = await playground.song(path_number(request, "song"))
    body = await json_body(request)
    starter = member(body.get("member")).actor
    duration = DURATIONS.get(str(body.get("duration") or "2m"))
    if duration is None:
        raise UserFacingError("Pick how long the sound-off stays open.")
    started = await playground.workshop.soundoffs.start(
        song,
        starter,
        channel_id=song.channel_id,
        versions=text(body, "versions", "The versions", max_length=60),
        hours=duration.hours,
        blind=flag(body, "blind"),
    )
    await playground.workshop.clock.open(started)
    if duration.early_end is not None:
        playground.early_ends.schedule(started.soundoff, starter, duration.early_end)
    soundoff = await playground.workshop.soundoffs.get(started.soundoff.id)
    return web.json_response(await _shown(playground, soundoff), status=201)


@routes.get("/api/soundoffs/{soundoff}")
async def show(request: web.Request) -> web.Response:
    """``/soundoff results``: while open only the number of votes; once closed the results and the reveal."""
    playground = playground_of(request)
    return web.json_response(await _shown(playground, await _soundoff(playground, request)))


@routes.post("/api/soundoffs/{soundoff}/votes")
async def vote(request: web.Request) -> web.Response:
    """A vote button: one vote per member, changeable until it closes."""
    playground = playground_of(request)
    soundoffs = playground.workshop.soundoffs
    soundoff = await _soundoff(playground, request)
    body = await json_body(request)
    voter = member(body.get("member")).actor
    label = text(body, "label", "The option", max_length=1)
    if label not in {o.label for o in soundoff.options}:
        raise UserFacingError("That option isn't in this sound-off.")
    soundoff, previous = await soundoffs.vote(soundoff.id, voter, label)
    until = retry_phrase(playground.early_ends.closes_at(soundoff))
    if previous is None or previous == label:
        message = f"You voted {label} — you can change it until it closes {until}."
    else:
        message = f"You changed your vote from {previous} to {label} — you can change it until it closes {until}."
    playground.workshop.clock.count_changed(soundoff)
    votes = await soundoffs.vote_count(soundoff)
    playground.feed.publish(Event("soundoff-count", soundoff.song_id, soundoff.id, votes))
    return web.json_response({"message": message, "votes": votes, "label": label, "previous": previous})


@routes.post("/api/soundoffs/{soundoff}/end")
async def end(request: web.Request) -> web.Response:
    """``/soundoff end``: close early (the song's owner or a moderator); the clock announces the results."""
    playground = playground_of(request)
    soundoff = await _soundoff(playground, request)
    closer = member((await json_body(request)).get("member")).actor
    await playground.workshop.soundoffs.end(soundoff, closer)
    await playground.workshop.clock.close(soundoff.id, closed_by=closer.user_id)
    closed = await playground.workshop.soundoffs.get(soundoff.id)
    return web.json_response(await _shown(playground, closed))


@routes.get("/api/soundoffs/{soundoff}/options/{label}/preview.ogg")
async def preview(request: web.Request) -> web.Response:
    """An option's audio preview, named by its letter so a blind ballot's links say nothing of the version."""
    playground = playground_of(request)
    soundoff = await _soundoff(playground, request)
    label = request.match_info["label"]
    option = next((o for o in soundoff.options if o.label == label), None)
    if option is None:
        raise NotFoundError("That option isn't in this sound-off.")
    data = playground.board.preview(soundoff.id, label)
    if data is None:  # posted before this playground started: render it again, as the ballot did
        data = await playground.workshop.soundoffs.option_preview(soundoff, label)
    if data is None:
        raise NotFoundError(f"Option {label} has no audio preview.")
    return media_response(request, data, "audio/ogg")


@routes.get("/api/soundoffs/{soundoff}/chart.png")
async def chart(request: web.Request) -> web.Response:
    """The results chart posted at the close; none while it is open (tallies stay hidden until the end)."""
    playground = playground_of(request)
    soundoff = await _soundoff(playground, request)
    if soundoff.is_open:
        raise NotFoundError("The results come when the sound-off closes.")
    data = playground.board.chart(soundoff.id)
    if data is None:  # announced before this playground started: draw it as the clock did
        results = await playground.workshop.soundoffs.results(soundoff)
        data = bar_chart_png(
            [r.option.label for r in results.options],
            [r.votes for r in results.options],
            results.winner,
            "Sound-off results",
        )
    return media_response(request, data, "image/png")


@routes.get("/api/stats")
async def stats(request: web.Request) -> web.Response:
    """``/soundoff stats``: sound-offs held, AI-draft wins against members' wins, the top revisers."""
    playground = playground_of(request)
    return web.json_response(stats_view(await playground.workshop.soundoffs.server_stats(GUILD_ID)))


async def _soundoff(playground: Playground, request: web.Request) -> Soundoff:
    soundoff = await playground.workshop.soundoffs.get(path_number(request, "soundoff"))
    if soundoff.guild_id != GUILD_ID:
        raise NotFoundError("That sound-off doesn't exist.")
    return soundoff


async def _shown(playground: Playground, soundoff: Soundoff) -> dict[str, object]:
    """Gather what the sound-off's message shows: its song's versions, the count, the results once closed."""
    workshop = playground.workshop
    song = await workshop.songs.in_thread(thread_id(soundoff.song_id))
    versions = {v.number: v for v in await workshop.songs.versions(song)} if song else {}
    return soundoff_view(
        soundoff,
        title=song.title if song else "",
        versions=versions,
        votes=await workshop.soundoffs.vote_count(soundoff),
        closes_at=playground.early_ends.closes_at(soundoff),
        opened_at=posted_at(soundoff.message_id),
        results=None if soundoff.is_open else await workshop.soundoffs.results(soundoff),
    )
