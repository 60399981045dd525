"""What a member's action looks like on the wire: the ``data`` of slash commands, context menus, component
clicks and modal submits, and the INTERACTION_CREATE envelope around them.

Values are checked the way Discord's own client checks them before sending (required options, choices,
lengths, ranges): a test asking for something a member could not do fails with ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .messages import ATTACHMENT_SIZE_LIMIT
from .payloads import attachment_payload, channel_payload, member_payload, message_payload, role_payload, user_payload
from .world import Channel, Json, Member, Role, StoredMessage, Upload, User, World

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SUBCOMMAND, GROUP = 1, 2


@dataclass
class Resolved:
    """The ``resolved`` map Discord adds for users, members, roles, channels, attachments and messages."""

    world: World
    viewer: Member
    data: dict[str, dict[str, Json]] = field(default_factory=dict)

    def add(self, kind: str, object_id: int, payload: Json) -> str:
        self.data.setdefault(kind, {})[str(object_id)] = payload
        return str(object_id)

    def user(self, target: Member | User) -> str:
        if isinstance(target, Member):
            channelless = member_payload(target, with_user=False)
            self.add("members", target.id, channelless)
            return self.add("users", target.id, user_payload(target.user))
        return self.add("users", target.id, user_payload(target))

    def role(self, role: Role) -> str:
        return self.add("roles", role.id, role_payload(self.world, role))

    def channel(self, channel: Channel) -> str:
        permissions = self.world.channel_permissions(channel, self.viewer)
        return self.add("channels", channel.id, channel_payload(channel) | {"permissions": str(permissions)})

    def attachment(self, upload: Upload) -> str:
        stored = self.world.store_upload(upload, ephemeral=True)
        return self.add("attachments", stored.id, attachment_payload(self.world, stored))

    def message(self, message: StoredMessage) -> str:
        return self.add("messages", message.id, message_payload(self.world, message))


def chat_input_data(
    world: World,
    command: Json,
    path: Sequence[str],
    options: Mapping[str, Any],
    viewer: Member,
    *,
    focused: str | None = None,
) -> Json:
    """``data`` for ``/name [group] [sub]``; ``focused`` makes it an autocomplete request for that option."""
    schema: list[Json] = command.get("options") or []
    chain: list[Json] = []
    for name in path:
        node = next((o for o in schema if o["name"] == name and o["type"] in (SUBCOMMAND, GROUP)), None)
        if node is None:
            raise ValueError(f"/{command['name']} has no subcommand {name!r}")
        chain.append(node)
        schema = node.get("options") or []
    if any(o["type"] in (SUBCOMMAND, GROUP) for o in schema):
        raise ValueError(f"/{' '.join([command['name'], *path])} needs a subcommand")
    resolved = Resolved(world, viewer)
    leaf = _option_values(schema, options, resolved, focused=focused)
    for node in reversed(chain):
        leaf = [{"type": node["type"], "name": node["name"], "options": leaf}]
    data: Json = {"id": command["id"], "name": command["name"], "type": 1, "options": leaf}
    return _finish(data, command, resolved)


def _finish(data: Json, command: Json, resolved: Resolved) -> Json:
    if resolved.data:
        data["resolved"] = resolved.data
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data


def _option_values(
    schema: list[Json], given: Mapping[str, Any], resolved: Resolved, *, focused: str | None
) -> list[Json]:
    by_name = {o["name"]: o for o in schema}
    unknown = set(given) - set(by_name)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}; the command has {sorted(by_name)}")
    if focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing:
            raise ValueError(f"required options missing: {missing}")
    values = []
    for name, value in given.items():
        option = by_name[name]
        if name == focused:
            values.append({"type": option["type"], "name": name, "value": str(value), "focused": True})
            continue
        values.append({"type": option["type"], "name": name, "value": _convert(option, value, resolved)})
    return values


def _convert(option: Json, value: Any, resolved: Resolved) -> Any:
    kind = option["type"]
    name = option["name"]
    if kind == STRING and isinstance(value, str):
        low, high = option.get("min_length", 0), option.get("max_length", 6000)
        if not low <= len(value) <= high:
            raise ValueError(f"option {name}: length {len(value)} outside {low}..{high}")
        return _choice(option, value)
    if kind in (INTEGER, NUMBER) and isinstance(value, int | float) and not isinstance(value, bool):
        if kind == INTEGER and not isinstance(value, int):
            raise ValueError(f"option {name} takes an integer")
        low, high = option.get("min_value"), option.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"option {name}: {value} outside {low}..{high}")
        return _choice(option, value)
    if kind == BOOLEAN and isinstance(value, bool):
        return value
    if kind in (USER, MENTIONABLE) and isinstance(value, Member | User):
        return resolved.user(value)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
        return resolved.role(value)
    if kind == CHANNEL and isinstance(value, Channel):
        allowed = option.get("channel_types")
        if allowed and value.type not in allowed:
            raise ValueError(f"option {name} accepts channel types {allowed}, not {value.type}")
        return resolved.channel(value)
    if kind == ATTACHMENT and isinstance(value, Upload):
        return resolved.attachment(value)
    raise ValueError(f"option {name} (type {kind}) cannot take {value!r}")


def _choice(option: Json, value: Any) -> Any:
    choices = option.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise ValueError(f"option {option['name']}: {value!r} is not one of its choices")
    return value


def context_menu_data(world: World, command: Json, target: StoredMessage | Member, viewer: Member) -> Json:
    """``data`` for a message (type 3) or user (type 2) context-menu command."""
    resolved = Resolved(world, viewer)
    target_id = resolved.message(target) if isinstance(target, StoredMessage) else resolved.user(target)
    data: Json = {"id": command["id"], "name": command["name"], "type": command["type"], "target_id": target_id}
    return _finish(data, command, resolved)


def modal_submit_data(
    world: World,
    modal: Json,
    values: Mapping[str, Any],
    files: Mapping[str, Sequence[Upload]],
    viewer: Member,
) -> Json:
    """``data`` of a modal submit, mirroring the modal's layout (rows, labels) with the member's answers."""
    resolved = Resolved(world, viewer)
    seen: set[str] = set()
    components = [_submitted(c, values, files, resolved, seen) for c in modal.get("components") or []]
    unknown = (set(values) | set(files)) - seen
    if unknown:
        raise ValueError(f"the modal has no inputs {sorted(unknown)}")
    data: Json = {"custom_id": modal["custom_id"], "components": components}
    if resolved.data:
        data["resolved"] = resolved.data
    return data


def _submitted(
    component: Json,
    values: Mapping[str, Any],
    files: Mapping[str, Sequence[Upload]],
    resolved: Resolved,
    seen: set[str],
) -> Json:
    kind = component.get("type")
    if kind == 1:
        return {
            "type": 1,
            "components": [_submitted(c, values, files, resolved, seen) for c in component["components"]],
        }
    if kind == 18:
        inner = _submitted(component["component"], values, files, resolved, seen)
        return {"type": 18, "id": component.get("id"), "component": inner}
    custom_id = component.get("custom_id")
    answer: Json = {"type": kind, "id": component.get("id"), "custom_id": custom_id}
    if custom_id is None:
        return {"type": kind, "id": component.get("id")}
    seen.add(custom_id)
    if kind == 4:
        text = str(values.get(custom_id, component.get("value") or ""))
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        if component.get("required", True) and not text:
            raise ValueError(f"text input {custom_id!r} is required")
        if text and not low <= len(text) <= high:
            raise ValueError(f"text input {custom_id!r}: length {len(text)} outside {low}..{high}")
        return answer | {"value": text}
    if kind == 19:
        uploads = list(files.get(custom_id, ()))
        if component.get("required", True) and not uploads:
            raise ValueError(f"file upload {custom_id!r} is required")
        return answer | {"values": [resolved.attachment(u) for u in uploads]}
    value = values.get(custom_id)
    return answer | ({"values": list(value or [])} if kind in (3, 5, 6, 7, 8) else {"value": value})


def interaction_envelope(
    world: World,
    *,
    interaction_id: int,
    token: str,
    kind: int,
    data: Json,
    member: Member,
    channel: Channel,
    message: StoredMessage | None = None,
) -> Json:
    """The INTERACTION_CREATE ``d`` for a guild interaction (``attachment_size_limit`` is required since 2.6)."""
    guild = world.guild_of(channel)
    envelope: Json = {
        "id": str(interaction_id),
        "application_id": str(world.application.id),
        "type": kind,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
        "channel_id": str(channel.id),
        "channel": channel_payload(channel),
        "member": member_payload(member, permissions=world.channel_permissions(channel, member)),
        "token": token,
        "version": 1,
        "app_permissions": str(world.channel_permissions(channel, world.bot_member(guild))),
        "locale": "en-US",
        "guild_locale": guild.locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        envelope["message"] = message_payload(world, message)
    return envelope
