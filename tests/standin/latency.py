"""Latency knobs: how long the stand-in's CDN, REST routes and gateway take, so tests meet Discord's timing
instead of answers in microseconds. All start at zero; set them on ``standin.latency`` before or during a test::

    standin.latency.cdn = 3.5        # every attachment download answers 3.5 s late
    standin.latency.rest = 0.2       # every REST request takes 0.2 s longer
    standin.latency.routes["GET /channels/{channel_id}/messages/{message_id}"] = 1.0   # one route, added on top
    standin.latency.gateway = 0.5    # every dispatched event reaches the client 0.5 s late

Why each one exists: Discord's CDN can take seconds, so a handler that downloads a member's file before
acknowledging misses the 3-second deadline there, not here; a slow REST route shows which awaits stand between
an interaction and its acknowledgement; a slow gateway eats into that deadline the way a congested connection
does.

REST delays run before the stand-in handles a request, as if it took that long to reach Discord, so a slow
interaction callback can itself arrive past the deadline. Gateway delays keep events in order, do not hold up
the REST call that caused them, and count against the acknowledgement deadline, which starts when the stand-in
dispatches INTERACTION_CREATE (Discord starts the clock when it sends, not when the bot reads). The login
handshake (HELLO, READY, GUILD_CREATE) is never delayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Latency:
    """Seconds the stand-in waits before answering a download (``cdn``), a REST request (``rest`` plus
    ``routes[route]``, with routes as ``RecordedRequest.route`` spells them) or delivering an event (``gateway``)."""

    cdn: float = 0.0
    rest: float = 0.0
    routes: dict[str, float] = field(default_factory=dict)
    gateway: float = 0.0

    def for_route(self, route: str) -> float:
        """The delay of one REST request to ``route``, e.g. ``"POST /channels/{channel_id}/messages"``."""
        return self.rest + self.routes.get(route, 0.0)


@dataclass(frozen=True)
class Download:
    """One attachment download from the stand-in's CDN, with when it started and when its bytes went out (the
    stand-in's monotonic clock), so a test can tell whether a handler downloaded before acknowledging."""

    attachment_id: int
    filename: str
    started_at: float
    finished_at: float
