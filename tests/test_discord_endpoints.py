"""``bot.discord_endpoints`` redirects discord.py through two undocumented attributes; guard both."""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_endpoints import apply_endpoints
from tests.standin import StandIn
from tests.standin.fixtures import StartClient


@pytest.fixture
def saved_endpoints() -> Iterator[tuple[str, yarl.URL]]:
    """discord.py's endpoints as they were, put back after the test."""
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    yield saved
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def test_discord_py_still_has_both_attributes(saved_endpoints: tuple[str, yarl.URL]) -> None:
    """The REST base is a str and the default gateway a yarl.URL, both pointing at Discord."""
    base, gateway = saved_endpoints
    assert isinstance(base, str)
    assert base.startswith("https://discord.com/api/v")
    assert isinstance(gateway, yarl.URL)
    assert gateway.host == "gateway.discord.gg"


def test_rest_base_is_redirected_without_trailing_slash(saved_endpoints: tuple[str, yarl.URL]) -> None:
    """Every route URL is built on the new base, trailing slash dropped."""
    apply_endpoints("http://127.0.0.1:9/api/v10/", None)
    assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
    assert saved_endpoints[1] == DiscordWebSocket.DEFAULT_GATEWAY


def test_gateway_is_redirected_as_a_url(saved_endpoints: tuple[str, yarl.URL]) -> None:
    """The gateway becomes a ``yarl.URL``, the type discord.py appends its query to."""
    apply_endpoints(None, "ws://127.0.0.1:9/gateway")
    assert yarl.URL("ws://127.0.0.1:9/gateway") == DiscordWebSocket.DEFAULT_GATEWAY
    assert saved_endpoints[0] == Route.BASE


def test_none_keeps_discords_defaults(saved_endpoints: tuple[str, yarl.URL]) -> None:
    """Passing nothing changes nothing."""
    apply_endpoints(None, None)
    assert saved_endpoints == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


async def test_a_real_client_follows_both_redirections(standin: StandIn, start_client: StartClient) -> None:
    """A stock client logs in over the redirected REST base and identifies on the redirected gateway."""
    client = await start_client(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05))
    assert client.user is not None
    assert client.user.id == standin.world.application.bot.id
    assert standin.requests[0].route == "GET /users/@me"
    assert [c.path for c in standin.gateway.connections] == ["/gateway"]
