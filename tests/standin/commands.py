"""The application's registered commands, as stored by command sync (global and per guild).

Ids stay stable across overwrites of the same (type, name), as on Discord, so an interaction built after a
re-sync still names the command discord.py knows.
"""

from __future__ import annotations

from .errors import raise_problems
from .limits_commands import check_command, check_commands
from .world import Json, Member, World

CHAT_INPUT = 1
USER_COMMAND = 2
MESSAGE_COMMAND = 3
Key = tuple[int, str]


class CommandStore:
    """Global commands under ``None``, guild commands under the guild id."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._scopes: dict[int | None, dict[Key, Json]] = {None: {}}

    def overwrite(self, guild_id: int | None, payloads: list[Json]) -> list[Json]:
        """Replace a scope's commands (``PUT``), validating them as Discord does."""
        raise_problems(check_commands(payloads))
        old = self._scopes.get(guild_id, {})
        self._scopes[guild_id] = {}
        return [self._store(guild_id, payload, old) for payload in payloads]

    def upsert(self, guild_id: int | None, payload: Json) -> Json:
        """Create or replace one command (``POST``)."""
        raise_problems(check_command(payload))
        scope = self._scopes.setdefault(guild_id, {})
        return self._store(guild_id, payload, scope)

    def _store(self, guild_id: int | None, payload: Json, previous: dict[Key, Json]) -> Json:
        kind = int(payload.get("type", CHAT_INPUT))
        key = (kind, str(payload["name"]))
        old = previous.get(key)
        stored: Json = {
            "id": old["id"] if old else str(self.world.snowflakes.next()),
            "application_id": str(self.world.application.id),
            "version": str(self.world.snowflakes.next()),
            "type": kind,
            "name": payload["name"],
            "name_localizations": payload.get("name_localizations"),
            "description": payload.get("description", ""),
            "description_localizations": payload.get("description_localizations"),
            "options": payload.get("options") or [],
            "default_member_permissions": payload.get("default_member_permissions"),
            "dm_permission": payload.get("dm_permission", True),
            "contexts": payload.get("contexts"),
            "integration_types": payload.get("integration_types") or [0],
            "nsfw": bool(payload.get("nsfw", False)),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        self._scopes.setdefault(guild_id, {})[key] = stored
        return stored

    def listing(self, guild_id: int | None) -> list[Json]:
        """The commands of a scope, in registration order."""
        return list(self._scopes.get(guild_id, {}).values())

    def get(self, guild_id: int | None, command_id: int) -> Json | None:
        return next((c for c in self.listing(guild_id) if int(c["id"]) == command_id), None)

    def delete(self, guild_id: int | None, command_id: int) -> bool:
        scope = self._scopes.get(guild_id, {})
        for key, command in list(scope.items()):
            if int(command["id"]) == command_id:
                del scope[key]
                return True
        return False

    def find(self, name: str, kind: int, guild_id: int) -> Json:
        """The command a member in this guild would invoke (guild commands shadow global ones)."""
        for scope in (guild_id, None):
            command = self._scopes.get(scope, {}).get((kind, name))
            if command is not None:
                return command
        synced = sorted(c["name"] for s in (guild_id, None) for c in self._scopes.get(s, {}).values())
        raise LookupError(f"command {name!r} (type {kind}) is not synced for guild {guild_id}; synced: {synced}")

    def check_visible(self, command: Json, member: Member) -> None:
        """Discord hides commands whose ``default_member_permissions`` the member lacks; refuse to invoke them."""
        required = command.get("default_member_permissions")
        if required is None:
            return
        guild = self.world.guilds[member.guild_id]
        have = self.world.base_permissions(guild, member)
        if int(required) & ~have:
            raise PermissionError(f"{member.user.name} cannot see /{command['name']} (needs permissions {required})")
