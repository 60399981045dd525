"""What Discord refuses, answered with Discord's own error payloads so the bot's error handling meets reality.

Every check returns ``Problem``s (a dotted field path, Discord's error code and message); ``form_error`` folds
them into the nested ``50035 Invalid Form Body`` body discord.py renders into ``HTTPException.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .world import COMPONENTS_V2, Json

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_FILES = 10
MAX_EMBED_TOTAL = 6000
MAX_CUSTOM_ID = 100
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_BUTTON_LABEL = 80
MAX_MODAL_TITLE = 45
MAX_TEXT_INPUT = 4000
MAX_V2_COMPONENTS = 40
MAX_GLOBAL_CHAT_COMMANDS = 100
MAX_CONTEXT_COMMANDS = 15
EMBED_TEXT_LIMITS = (("title", 256), ("description", 4096))
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


class DiscordError(Exception):
    """An error response exactly as Discord sends it: HTTP status plus ``{message, code[, errors]}``."""

    def __init__(self, status: int, code: int, message: str, errors: Json | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        """The JSON body of the error response."""
        body: Json = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def unknown(what: str, code: int) -> DiscordError:
    """Discord's 404 for a missing object, e.g. ``unknown("Message", 10008)``."""
    return DiscordError(404, code, f"Unknown {what}")


def missing_permissions() -> DiscordError:
    """Discord's 403 when the bot lacks a permission for the action."""
    return DiscordError(403, 50013, "Missing Permissions")


def empty_message() -> DiscordError:
    """Discord's 400 for a message with nothing to show."""
    return DiscordError(400, 50006, "Cannot send an empty message")


@dataclass(frozen=True)
class Problem:
    """One invalid field: ``path`` like ``embeds.0.title``."""

    path: str
    code: str
    message: str


def too_long(path: str, limit: int) -> Problem:
    return Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def bad_length(path: str, low: int, high: int) -> Problem:
    return Problem(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def required(path: str) -> Problem:
    return Problem(path, "BASE_TYPE_REQUIRED", "This field is required")


def form_error(problems: Iterable[Problem]) -> DiscordError:
    """Fold problems into Discord's nested ``errors`` tree under code 50035."""
    errors: Json = {}
    for problem in problems:
        node = errors
        for part in problem.path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return DiscordError(400, 50035, "Invalid Form Body", errors)


def raise_problems(problems: list[Problem]) -> None:
    """Raise the 50035 error when any check failed."""
    if problems:
        raise form_error(problems)


def _join(prefix: str, name: str | int) -> str:
    return f"{prefix}.{name}" if prefix else str(name)


def _length(value: Any, path: str, limit: int) -> Iterator[Problem]:
    if isinstance(value, str) and len(value) > limit:
        yield too_long(path, limit)


def check_message(body: Json, file_count: int, *, prefix: str = "") -> list[Problem]:
    """Content, embed, attachment and component limits of a message create or edit body."""
    problems = list(_length(body.get("content"), _join(prefix, "content"), MAX_CONTENT))
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(too_long(_join(prefix, "embeds"), MAX_EMBEDS))
    problems += check_embeds(embeds, _join(prefix, "embeds"))
    if file_count > MAX_FILES or len(body.get("attachments") or []) > MAX_FILES:
        problems.append(too_long(_join(prefix, "attachments"), MAX_FILES))
    components = body.get("components") or []
    flags = int(body.get("flags") or 0)
    problems += check_components(components, v2=bool(flags & COMPONENTS_V2), prefix=_join(prefix, "components"))
    if flags & COMPONENTS_V2 and (body.get("content") or embeds):
        problems.append(
            Problem(
                _join(prefix, "content"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
        )
    return problems


def check_embeds(embeds: list[Json], prefix: str) -> list[Problem]:
    """Per-field embed limits and the 6000-character total across all embeds of a message."""
    problems: list[Problem] = []
    total = 0
    for index, embed in enumerate(embeds):
        path = _join(prefix, index)
        for key, limit in EMBED_TEXT_LIMITS:
            problems += _length(embed.get(key), _join(path, key), limit)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(too_long(_join(path, "fields"), 25))
        for number, item in enumerate(fields):
            problems += _length(item.get("name"), f"{path}.fields.{number}.name", 256)
            problems += _length(item.get("value"), f"{path}.fields.{number}.value", 1024)
        footer = (embed.get("footer") or {}).get("text")
        author = (embed.get("author") or {}).get("name")
        problems += _length(footer, f"{path}.footer.text", 2048)
        problems += _length(author, f"{path}.author.name", 256)
        texts = [embed.get("title"), embed.get("description"), footer, author]
        texts += [f.get(k) for f in fields for k in ("name", "value")]
        total += sum(len(t) for t in texts if isinstance(t, str))
    if total > MAX_EMBED_TOTAL:
        problems.append(Problem(prefix, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    return problems


def _walk(components: list[Json], prefix: str) -> Iterator[tuple[str, Json]]:
    for index, component in enumerate(components):
        path = _join(prefix, index)
        yield path, component
        yield from _walk(component.get("components") or [], _join(path, "components"))
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from _walk([component[key]], path + "." + key)


def check_components(components: list[Json], *, v2: bool = False, prefix: str = "components") -> list[Problem]:
    """Layout (rows of ≤5 buttons or one select, ≤5 rows; ≤40 in components v2), ids and labels."""
    problems: list[Problem] = []
    if v2:
        if sum(1 for _ in _walk(components, prefix)) > MAX_V2_COMPONENTS:
            problems.append(too_long(prefix, MAX_V2_COMPONENTS))
    else:
        if len(components) > MAX_ROWS:
            problems.append(too_long(prefix, MAX_ROWS))
        for index, row in enumerate(components):
            problems += _check_row(row, _join(prefix, index))
    seen: set[str] = set()
    for path, component in _walk(components, prefix):
        problems += _check_item(component, path)
        custom_id = component.get("custom_id")
        if custom_id is not None:
            if custom_id in seen:
                problems.append(
                    Problem(
                        _join(path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                )
            seen.add(custom_id)
    return problems


def _check_row(row: Json, path: str) -> list[Problem]:
    if row.get("type") != 1:
        return [Problem(_join(path, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')]
    children = row.get("components") or []
    buttons = [c for c in children if c.get("type") == 2]
    if not children:
        return [bad_length(_join(path, "components"), 1, 5)]
    if len(buttons) > MAX_ROW_BUTTONS or (len(children) > 1 and len(buttons) != len(children)):
        return [
            Problem(
                _join(path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        ]
    return []


def _check_item(component: Json, path: str) -> list[Problem]:
    kind = component.get("type")
    problems = list(_length(component.get("custom_id"), _join(path, "custom_id"), MAX_CUSTOM_ID))
    if kind == 2:
        problems += _length(component.get("label"), _join(path, "label"), MAX_BUTTON_LABEL)
        link = component.get("style") == 5
        if link and not component.get("url"):
            problems.append(required(_join(path, "url")))
        if not link and component.get("style") != 6 and not component.get("custom_id"):
            problems.append(
                Problem(_join(path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id required")
            )
    elif kind in (3, 5, 6, 7, 8):
        problems += _length(component.get("placeholder"), _join(path, "placeholder"), 150)
        options = component.get("options") or []
        if kind == 3 and not 1 <= len(options) <= 25:
            problems.append(bad_length(_join(path, "options"), 1, 25))
        for number, option in enumerate(options):
            for key in ("label", "value", "description"):
                problems += _length(option.get(key), f"{path}.options.{number}.{key}", 100)
    elif kind == 4:
        problems += _check_text_input(component, path)
    elif kind == 18:
        problems += _length(component.get("label"), _join(path, "label"), 45)
        problems += _length(component.get("description"), _join(path, "description"), 100)
    return problems


def _check_text_input(component: Json, path: str) -> list[Problem]:
    problems = list(_length(component.get("label"), _join(path, "label"), 45))
    problems += _length(component.get("placeholder"), _join(path, "placeholder"), 100)
    value = component.get("value")
    limit = min(int(component.get("max_length") or MAX_TEXT_INPUT), MAX_TEXT_INPUT)
    problems += _length(value, _join(path, "value"), limit)
    for key in ("min_length", "max_length"):
        if int(component.get(key) or 0) > MAX_TEXT_INPUT:
            problems.append(
                Problem(
                    _join(path, key), "NUMBER_TYPE_MAX", f"int value should be less than or equal to {MAX_TEXT_INPUT}"
                )
            )
    return problems


def check_modal(data: Json, *, prefix: str = "data") -> list[Problem]:
    """A modal: title ≤ 45, custom id ≤ 100, 1–5 top-level components, text inputs within their limits."""
    problems: list[Problem] = []
    title = data.get("title")
    if not title:
        problems.append(required(_join(prefix, "title")))
    problems += _length(title, _join(prefix, "title"), MAX_MODAL_TITLE)
    if not data.get("custom_id"):
        problems.append(required(_join(prefix, "custom_id")))
    problems += _length(data.get("custom_id"), _join(prefix, "custom_id"), MAX_CUSTOM_ID)
    components = data.get("components") or []
    if not 1 <= len(components) <= MAX_ROWS:
        problems.append(bad_length(_join(prefix, "components"), 1, 5))
    for path, component in _walk(components, _join(prefix, "components")):
        problems += _check_item(component, path)
    return problems


def check_commands(commands: list[Json]) -> list[Problem]:
    """A bulk command overwrite: names, descriptions, option shape and the per-type command counts."""
    problems: list[Problem] = []
    counts = {1: 0, 2: 0, 3: 0}
    names: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", 1))
        counts[kind] = counts.get(kind, 0) + 1
        key = (kind, str(command.get("name")))
        if key in names:
            problems.append(
                Problem(str(index), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
            )
        names.add(key)
        problems += _check_command_name(command, str(index), chat_input=kind == 1)
        if kind == 1:
            problems += _check_options(command.get("options") or [], _join(str(index), "options"))
    if counts[1] > MAX_GLOBAL_CHAT_COMMANDS:
        problems.append(too_long("_", MAX_GLOBAL_CHAT_COMMANDS))
    if counts[2] > MAX_CONTEXT_COMMANDS or counts[3] > MAX_CONTEXT_COMMANDS:
        problems.append(too_long("_", MAX_CONTEXT_COMMANDS))
    return problems


def _check_command_name(item: Json, path: str, *, chat_input: bool) -> list[Problem]:
    problems: list[Problem] = []
    name = str(item.get("name", ""))
    if chat_input and (not COMMAND_NAME.match(name) or name != name.lower()):
        problems.append(Problem(_join(path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
    elif not 1 <= len(name) <= 32:
        problems.append(bad_length(_join(path, "name"), 1, 32))
    description = str(item.get("description") or "")
    if chat_input and not 1 <= len(description) <= 100:
        problems.append(bad_length(_join(path, "description"), 1, 100))
    return problems


def _check_options(options: list[Json], path: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(options) > 25:
        problems.append(too_long(path, 25))
    seen_optional = False
    for index, option in enumerate(options):
        option_path = _join(path, index)
        problems += _check_command_name(option, option_path, chat_input=True)
        if option.get("type") in (1, 2):
            problems += _check_options(option.get("options") or [], _join(option_path, "options"))
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(
                    Problem(
                        option_path,
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            problems.append(too_long(_join(option_path, "choices"), 25))
    return problems
