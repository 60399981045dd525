"""Where discord.py sends its traffic: Discord itself, a REST proxy, or the local stand-in used by the tests.

discord.py builds every REST URL (interaction callbacks and webhooks included) from the class attribute
``discord.http.Route.BASE`` and, for a non-sharded client, opens its gateway websocket at
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``. Both are undocumented but kept their names and meaning
through discord.py 2.0–2.7; this module is the one place the project touches them, and
``tests/test_discord_endpoints.py`` guards it.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def apply_endpoints(api_base_url: str | None, gateway_url: str | None) -> None:
    """Redirect discord.py's REST base and gateway; ``None`` keeps Discord's defaults."""
    if api_base_url:
        Route.BASE = api_base_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
