"""How a message body from the wire becomes a stored message, or changes one, under Discord's rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .errors import DiscordError, Problem, empty_message, form_error, raise_problems, too_long, unknown
from .limits import check_message
from .mentions import Mentions, check_allowed_mentions, resolve_mentions
from .wire import ReceivedFile
from .world import COMPONENTS_V2, EPHEMERAL, LOADING, Channel, Json, StoredAttachment, StoredMessage, User, World

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
SENDABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
REPLY = 19
MAX_NONCE = 25
NONCE_WINDOW = dt.timedelta(minutes=5)
"""How long a nonce is remembered: Discord documents "the past few minutes"."""


def validate(body: Json, files: Sequence[ReceivedFile], *, prefix: str = "") -> None:
    """Raise Discord's error for an over-limit body, bad ``allowed_mentions`` or an oversized file."""
    problems = check_message(body, len(files), prefix=prefix)
    problems += check_allowed_mentions(body.get("allowed_mentions"), prefix=f"{prefix}.allowed_mentions".lstrip("."))
    raise_problems(problems)
    if any(len(f.data) > ATTACHMENT_SIZE_LIMIT for f in files):
        raise DiscordError(413, 40005, "Request entity too large")


def created_with_nonce(world: World, author: User, body: Json) -> StoredMessage | None:
    """With ``enforce_nonce``, the message this author created with the same nonce in the past few minutes: Discord
    returns it instead of creating another (and answers 404 Unknown Message if it was deleted since)."""
    nonce = body.get("nonce")
    if nonce is None:
        return None
    if len(str(nonce)) > MAX_NONCE:
        raise form_error([too_long("nonce", MAX_NONCE)])
    earlier = world.nonces.get((author.id, str(nonce)))
    if not body.get("enforce_nonce") or earlier is None or world.clock.now() - earlier.created_at > NONCE_WINDOW:
        return None
    if earlier.deleted:
        raise unknown("Message", 10008)
    return earlier


def _attachments(
    world: World,
    body: Json,
    files: Sequence[ReceivedFile],
    existing: Sequence[StoredAttachment],
    *,
    ephemeral: bool,
) -> list[StoredAttachment]:
    """Resolve the ``attachments`` array: ids of kept attachments, or indexes of ``files[n]`` parts."""
    by_index = {f.index: f for f in files}
    kept = {a.id: a for a in existing}
    entries = body.get("attachments")
    if entries is None:
        entries = [{"id": f.index} for f in files]
        result = list(existing)
    else:
        result = []
    used: set[int] = set()
    for entry in entries:
        key = int(entry["id"])
        if key in kept:
            result.append(kept[key])
        elif key in by_index:
            part = by_index[key]
            used.add(key)
            result.append(
                world.store_attachment(
                    entry.get("filename") or part.filename,
                    part.data,
                    content_type=part.content_type,
                    description=entry.get("description"),
                    ephemeral=ephemeral,
                )
            )
        else:
            raise form_error([Problem(f"attachments.{key}", "ATTACHMENT_NOT_FOUND", "Unknown attachment")])
    for part in files:
        if part.index not in used:
            result.append(world.store_attachment(part.filename, part.data, content_type=part.content_type))
    return result


def _reference(channel: Channel, body: Json) -> tuple[Json | None, User | None]:
    reference = body.get("message_reference")
    if not reference or reference.get("message_id") is None:
        return None, None
    target = channel.messages.get(int(reference["message_id"]))
    if target is None or target.deleted:
        if reference.get("fail_if_not_exists", True):
            raise form_error([Problem("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")])
        return None, None
    resolved = {
        "type": 0,
        "message_id": str(target.id),
        "channel_id": str(channel.id),
        "guild_id": str(channel.guild_id),
    }
    return resolved, target.author


def create(
    world: World,
    channel: Channel,
    author: User,
    body: Json,
    files: Sequence[ReceivedFile] = (),
    *,
    prefix: str = "",
    allow_ephemeral: bool = False,
    message_type: int = 0,
    webhook_id: int | None = None,
    interaction_metadata: Json | None = None,
    attachments: Sequence[StoredAttachment] = (),
) -> tuple[StoredMessage, Mentions]:
    """Validate and store a new message; return it with the mentions and pings it causes."""
    validate(body, files, prefix=prefix)
    if is_blank(body, files) and not attachments:
        raise empty_message()
    reference, replied_to = _reference(channel, body)
    allowed = SENDABLE_FLAGS | (EPHEMERAL if allow_ephemeral else 0)
    flags = int(body.get("flags") or 0) & allowed
    message = StoredMessage(
        id=world.snowflakes.next(),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author=author,
        created_at=world.clock.now(),
        content=str(body.get("content") or ""),
        embeds=list(body.get("embeds") or []),
        components=list(body.get("components") or []),
        flags=flags,
        type=REPLY if reference and message_type == 0 else message_type,
        tts=bool(body.get("tts")),
        message_reference=reference,
        webhook_id=webhook_id,
        application_id=world.application.id if webhook_id else None,
        interaction_metadata=interaction_metadata,
        nonce=None if body.get("nonce") is None else str(body["nonce"]),
    )
    if message.nonce is not None:
        world.nonces[(author.id, message.nonce)] = message
    message.attachments = list(attachments) or _attachments(world, body, files, (), ephemeral=bool(flags & EPHEMERAL))
    mentions = resolve_mentions(
        message_id=message.id,
        channel_id=channel.id,
        content=message.content,
        allowed=body.get("allowed_mentions"),
        replied_user_id=replied_to.id if replied_to else None,
        author_id=author.id,
    )
    _apply_mentions(message, mentions)
    channel.messages[message.id] = message
    return message, mentions


def is_blank(body: Json, files: Sequence[ReceivedFile]) -> bool:
    """Whether a new message would show nothing (Discord answers 50006)."""
    return not (body.get("content") or body.get("embeds") or body.get("components") or files or body.get("poll"))


def loading(
    world: World, channel: Channel, author: User, *, ephemeral: bool, message_type: int, interaction_metadata: Json
) -> StoredMessage:
    """The "thinking…" message a deferred interaction response creates."""
    message = StoredMessage(
        id=world.snowflakes.next(),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author=author,
        created_at=world.clock.now(),
        flags=LOADING | (EPHEMERAL if ephemeral else 0),
        type=message_type,
        webhook_id=world.application.id,
        application_id=world.application.id,
        interaction_metadata=interaction_metadata,
    )
    channel.messages[message.id] = message
    return message


def edit(
    world: World, message: StoredMessage, body: Json, files: Sequence[ReceivedFile] = (), *, prefix: str = ""
) -> Mentions | None:
    """Apply an edit; when it fills a deferred "thinking…" message, return the pings that now happen."""
    validate(body, files, prefix=prefix)
    filling = message.loading
    if "content" in body:
        message.content = str(body["content"] or "")
    if "embeds" in body:
        message.embeds = list(body["embeds"] or [])
    if "components" in body:
        message.components = list(body["components"] or [])
    if "flags" in body and body["flags"] is not None:
        keep = message.flags & EPHEMERAL
        message.flags = keep | (int(body["flags"]) & SENDABLE_FLAGS)
    if "attachments" in body or files:
        message.attachments = _attachments(world, body, files, message.attachments, ephemeral=message.ephemeral)
    message.flags &= ~LOADING
    if not filling:
        message.edited_at = world.clock.now()
    mentions = resolve_mentions(
        message_id=message.id,
        channel_id=message.channel_id,
        content=message.content,
        allowed=body.get("allowed_mentions"),
        author_id=message.author.id,
    )
    _apply_mentions(message, mentions)
    return mentions if filling else None


def _apply_mentions(message: StoredMessage, mentions: Mentions) -> None:
    message.mention_user_ids = list(mentions.user_ids)
    message.mention_role_ids = list(mentions.role_ids)
    message.mention_everyone = mentions.everyone
