"""Discord JSON for the world's objects, shaped like the real API's so discord.py parses them unchanged."""

from __future__ import annotations

import datetime as dt

from .world import Channel, Guild, Json, Member, Role, StoredAttachment, StoredMessage, User, World


def iso(moment: dt.datetime | None) -> str | None:
    """Discord's ISO-8601 timestamp, or ``None``."""
    return moment.isoformat() if moment else None


def user_payload(user: User) -> Json:
    """A user object."""
    return {
        "id": str(user.id),
        "username": user.name,
        "global_name": user.global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": user.bot,
        "public_flags": 0,
    }


def role_payload(world: World, role: Role) -> Json:
    """A role object; the bot's managed role carries its ``bot_id`` tag."""
    payload: Json = {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.managed:
        payload["tags"] = {"bot_id": str(world.application.bot.id)}
    return payload


def member_payload(member: Member, *, with_user: bool = True, permissions: int | None = None) -> Json:
    """A guild member; interactions add the member's ``permissions`` in the channel."""
    payload: Json = {
        "nick": member.nick,
        "avatar": None,
        "roles": [str(r) for r in member.roles],
        "joined_at": iso(member.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def channel_payload(channel: Channel) -> Json:
    """A text channel or thread object."""
    last_id = next(reversed(channel.messages), None)
    payload: Json = {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "last_message_id": str(last_id) if last_id else None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }
    if not channel.is_thread:
        payload |= {
            "position": channel.position,
            "permission_overwrites": [
                {"id": str(o.target_id), "type": o.kind, "allow": str(o.allow), "deny": str(o.deny)}
                for o in channel.overwrites
            ],
            "topic": channel.topic,
            "nsfw": False,
            "parent_id": None,
            "default_auto_archive_duration": 1440,
        }
        return payload
    count = sum(1 for m in channel.messages.values() if not m.deleted)
    payload |= {
        "parent_id": str(channel.parent_id),
        "owner_id": str(channel.owner_id),
        "message_count": count,
        "total_message_sent": count,
        "member_count": len(channel.thread_member_ids),
        "thread_metadata": {
            "archived": channel.archived,
            "auto_archive_duration": channel.auto_archive_duration,
            "archive_timestamp": iso(channel.archive_timestamp),
            "locked": channel.locked,
            "create_timestamp": iso(channel.archive_timestamp),
        },
    }
    return payload


def guild_create_payload(world: World, guild: Guild) -> Json:
    """A full GUILD_CREATE: ``member_count == len(members)`` so discord.py never asks for member chunks."""
    bot_member = world.bot_member(guild)
    channels = [c for c in guild.channels.values() if not c.is_thread]
    threads = [c for c in guild.channels.values() if c.is_thread and not c.archived]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": guild.locale,
        "features": [],
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "joined_at": iso(bot_member.joined_at),
        "large": False,
        "unavailable": False,
        "lazy": True,
        "member_count": len(guild.members),
        "roles": [role_payload(world, r) for r in guild.roles.values()],
        "members": [member_payload(m) for m in guild.members.values()],
        "channels": [channel_payload(c) for c in channels],
        "threads": [channel_payload(t) for t in threads],
        "emojis": [],
        "stickers": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def attachment_payload(world: World, attachment: StoredAttachment) -> Json:
    """An attachment whose ``url`` points back at the stand-in, so ``Attachment.read()`` works."""
    url = world.attachment_url(attachment)
    payload: Json = {
        "id": str(attachment.id),
        "filename": attachment.filename,
        "size": attachment.size,
        "url": url,
        "proxy_url": url,
        "content_type": attachment.content_type,
        "description": attachment.description,
    }
    if attachment.ephemeral:
        payload["ephemeral"] = True
    if attachment.duration_secs is not None:  # a voice message's recording
        payload["duration_secs"] = attachment.duration_secs
        payload["waveform"] = attachment.waveform
    return payload


def message_payload(world: World, message: StoredMessage, *, with_reference: bool = True) -> Json:
    """A message object, with the author's ``member`` in guilds and the replied-to message for replies."""
    bot_id = world.application.bot.id
    payload: Json = {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "author": user_payload(message.author),
        "content": message.content,
        "timestamp": iso(message.created_at),
        "edited_timestamp": iso(message.edited_at),
        "tts": message.tts,
        "mention_everyone": message.mention_everyone,
        "mentions": [user_payload(world.users[u]) for u in message.mention_user_ids if u in world.users],
        "mention_roles": [str(r) for r in message.mention_role_ids],
        "attachments": [attachment_payload(world, a) for a in message.attachments],
        "embeds": message.embeds,
        "components": message.components,
        "reactions": [
            {
                "emoji": {"id": None, "name": emoji},
                "count": len(users),
                "count_details": {"burst": 0, "normal": len(users)},
                "me": bot_id in users,
                "me_burst": False,
                "burst_colors": [],
            }
            for emoji, users in message.reactions.items()
            if users
        ],
        "pinned": False,
        "type": message.type,
        "flags": message.flags,
    }
    if message.guild_id is not None:
        payload["guild_id"] = str(message.guild_id)
        member = world.guilds[message.guild_id].members.get(message.author.id)
        if member is not None and message.webhook_id is None:
            payload["member"] = member_payload(member, with_user=False)
    for key, value in (
        ("webhook_id", message.webhook_id),
        ("application_id", message.application_id),
    ):
        if value is not None:
            payload[key] = str(value)
    if message.interaction_metadata is not None:
        payload["interaction_metadata"] = message.interaction_metadata
    if message.nonce is not None:
        payload["nonce"] = message.nonce
    if message.thread_id is not None:
        thread = world.channel(message.thread_id)
        if thread is not None:
            payload["thread"] = channel_payload(thread)
    if message.message_reference is not None:
        payload["message_reference"] = message.message_reference
        if with_reference:
            payload["referenced_message"] = _referenced(world, message.message_reference)
    return payload


def _referenced(world: World, reference: Json) -> Json | None:
    channel = world.channel(int(reference["channel_id"]))
    target = channel.messages.get(int(reference["message_id"])) if channel else None
    if target is None or target.deleted:
        return None
    return message_payload(world, target, with_reference=False)
