"""What Discord refuses in a message body and a thread, answered with Discord's own error payloads.

Message bodies (create, edit, interaction responses, webhook follow-ups): content ≤ 2000, ≤ 10 embeds and
files, components placed and bounded as ``limits_components`` checks them, no content or embeds beside
components v2. Embeds: per-field lengths, the 6000-character total, and fields whose ``name`` and ``value``
are both present and non-empty (Discord: ``BASE_TYPE_REQUIRED`` on the empty one). Threads: an
``auto_archive_duration`` of 60, 1440, 4320 or 10080 minutes (``BASE_TYPE_CHOICES``), on create and edit.

The error vocabulary (``DiscordError``, ``Problem``, ``form_error``) lives in ``errors``; command registration
rules in ``limits_commands``.
"""

from __future__ import annotations

from .errors import Problem, join, length, one_of, required, too_long
from .limits_components import check_components
from .world import COMPONENTS_V2, Json

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_FILES = 10
MAX_EMBED_TOTAL = 6000
MAX_EMBED_FIELDS = 25
EMBED_TEXT_LIMITS = (("title", 256), ("description", 4096))
FIELD_LIMITS = (("name", 256), ("value", 1024))
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def check_message(body: Json, file_count: int, *, prefix: str = "") -> list[Problem]:
    """Content, embed, attachment and component limits of a message create or edit body."""
    problems = list(length(body.get("content"), join(prefix, "content"), MAX_CONTENT))
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(too_long(join(prefix, "embeds"), MAX_EMBEDS))
    problems += check_embeds(embeds, join(prefix, "embeds"))
    if file_count > MAX_FILES or len(body.get("attachments") or []) > MAX_FILES:
        problems.append(too_long(join(prefix, "attachments"), MAX_FILES))
    components = body.get("components") or []
    flags = int(body.get("flags") or 0)
    problems += check_components(components, v2=bool(flags & COMPONENTS_V2), prefix=join(prefix, "components"))
    if flags & COMPONENTS_V2 and (body.get("content") or embeds):
        problems.append(
            Problem(
                join(prefix, "content"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
        )
    return problems


def check_embeds(embeds: list[Json], prefix: str) -> list[Problem]:
    """Per-field embed limits, non-empty field names and values, and the 6000-character total of a message."""
    problems: list[Problem] = []
    total = 0
    for index, embed in enumerate(embeds):
        path = join(prefix, index)
        for key, limit in EMBED_TEXT_LIMITS:
            problems += length(embed.get(key), join(path, key), limit)
        fields = embed.get("fields") or []
        if len(fields) > MAX_EMBED_FIELDS:
            problems.append(too_long(join(path, "fields"), MAX_EMBED_FIELDS))
        for number, item in enumerate(fields):
            for key, limit in FIELD_LIMITS:
                value = item.get(key)
                if value is None or value == "":
                    problems.append(required(f"{path}.fields.{number}.{key}"))
                problems += length(value, f"{path}.fields.{number}.{key}", limit)
        footer = (embed.get("footer") or {}).get("text")
        author = (embed.get("author") or {}).get("name")
        problems += length(footer, f"{path}.footer.text", 2048)
        problems += length(author, f"{path}.author.name", 256)
        texts = [embed.get("title"), embed.get("description"), footer, author]
        texts += [f.get(k) for f in fields for k in ("name", "value")]
        total += sum(len(t) for t in texts if isinstance(t, str))
    if total > MAX_EMBED_TOTAL:
        problems.append(Problem(prefix, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    return problems


def check_thread(body: Json) -> list[Problem]:
    """A thread create or edit body: ``auto_archive_duration``, when given, is one of Discord's four."""
    duration = body.get("auto_archive_duration")
    if duration is not None and duration not in ARCHIVE_DURATIONS:
        return [one_of("auto_archive_duration", ARCHIVE_DURATIONS)]
    return []
