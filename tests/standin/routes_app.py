"""REST routes for the bot's identity and its application commands (the start-up and sync sequence)."""

from __future__ import annotations

from aiohttp import web

from .core import Core
from .errors import DiscordError, unknown
from .payloads import user_payload
from .wire import BODY, body_of, json_response, no_content, snowflake
from .world import Json

API = "/api/v10"


def missing_access() -> DiscordError:
    return DiscordError(403, 50001, "Missing Access")


class AppRoutes:
    """``/users/@me``, application info and command sync, global and per guild."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.world = core.world

    def routes(self) -> list[web.RouteDef]:
        routes = [
            web.get(f"{API}/users/@me", self.me),
            web.get(f"{API}/gateway/bot", self.gateway_bot),
            web.get(f"{API}/oauth2/applications/@me", self.application),
            web.get(f"{API}/applications/@me", self.application),
            web.get(f"{API}/applications/{{application_id}}/guilds/{{guild_id}}/commands/permissions", self.no_perms),
        ]
        for scope in (
            f"{API}/applications/{{application_id}}",
            f"{API}/applications/{{application_id}}/guilds/{{guild_id}}",
        ):
            routes += [
                web.put(f"{scope}/commands", self.overwrite),
                web.get(f"{scope}/commands", self.listing),
                web.post(f"{scope}/commands", self.upsert),
                web.get(f"{scope}/commands/{{command_id}}", self.get_command),
                web.patch(f"{scope}/commands/{{command_id}}", self.edit_command),
                web.delete(f"{scope}/commands/{{command_id}}", self.delete_command),
            ]
        return routes

    async def me(self, request: web.Request) -> web.Response:
        bot = self.world.application.bot
        return json_response(user_payload(bot) | {"verified": True, "mfa_enabled": False, "flags": 0})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        """Where to connect, how many shards to run and how many may IDENTIFY at once (``max_concurrency``)."""
        app = self.world.application
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": app.max_concurrency}
        gateway = f"{self.core.gateway.base_ws_url}/gateway"
        return json_response({"url": gateway, "shards": app.shards, "session_start_limit": limit})

    async def application(self, request: web.Request) -> web.Response:
        app = self.world.application
        return json_response(
            {
                "id": str(app.id),
                "name": app.name,
                "icon": None,
                "description": "",
                "summary": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user_payload(app.owner),
                "team": None,
                "verify_key": "0" * 64,
                "flags": self.core.gateway.application_flags(),
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(self.world.guilds),
                "bot": user_payload(app.bot),
            }
        )

    def _scope(self, request: web.Request) -> int | None:
        if snowflake(request, "application_id") != self.world.application.id:
            raise missing_access()
        if "guild_id" not in request.match_info:
            return None
        guild_id = snowflake(request, "guild_id")
        if guild_id not in self.world.guilds:
            raise missing_access()
        return guild_id

    async def overwrite(self, request: web.Request) -> web.Response:
        payloads = request.get(BODY) or []
        return json_response(self.core.commands.overwrite(self._scope(request), list(payloads)))

    async def listing(self, request: web.Request) -> web.Response:
        return json_response(self.core.commands.listing(self._scope(request)))

    async def upsert(self, request: web.Request) -> web.Response:
        return json_response(self.core.commands.upsert(self._scope(request), body_of(request)), status=201)

    def _command(self, request: web.Request) -> tuple[int | None, Json]:
        scope = self._scope(request)
        command = self.core.commands.get(scope, snowflake(request, "command_id"))
        if command is None:
            raise unknown("application command", 10063)
        return scope, command

    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._command(request)[1])

    async def edit_command(self, request: web.Request) -> web.Response:
        scope, command = self._command(request)
        return json_response(self.core.commands.upsert(scope, command | body_of(request)))

    async def delete_command(self, request: web.Request) -> web.Response:
        scope, command = self._command(request)
        self.core.commands.delete(scope, int(command["id"]))
        return no_content()

    async def no_perms(self, request: web.Request) -> web.Response:
        self._scope(request)
        return json_response([])
