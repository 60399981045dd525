"""Application command registration as Discord validates it (developers/interactions/application-commands).

Names and descriptions, required options before optional ones, ≤ 25 options and choices, choice names of
1–100 characters and string values ≤ 100, no ``autocomplete`` together with ``choices``, and a slash command's
size: its name, description and value properties, with its options (subcommands and groups too) and their
choices, may total ``MAX_COMMAND_CHARS`` characters, counting only the longest localization of each field.

The documented size limit is 8000 characters since discord-api-docs #6668 (February 2024); it was 4000 before.
Discord answers an oversized command with a request-level ``APPLICATION_COMMAND_TOO_LARGE`` ("Command exceeds
maximum size (8000)"), at the root of ``errors`` for a single command and under the command's index for a bulk
overwrite.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problem, bad_length, join, length, too_long
from .world import Json

MAX_GLOBAL_CHAT_COMMANDS = 100
MAX_CONTEXT_COMMANDS = 15
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
MAX_CHOICE_VALUE = 100
MAX_COMMAND_CHARS = 8000
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
SUBCOMMAND, GROUP = 1, 2
CHAT_INPUT = 1


def check_commands(commands: list[Json]) -> list[Problem]:
    """A bulk overwrite: each command (paths under its index), unique names and the per-type command counts."""
    problems: list[Problem] = []
    counts = {1: 0, 2: 0, 3: 0}
    names: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", CHAT_INPUT))
        counts[kind] = counts.get(kind, 0) + 1
        key = (kind, str(command.get("name")))
        if key in names:
            problems.append(
                Problem(str(index), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
            )
        names.add(key)
        problems += check_command(command, prefix=str(index))
    if counts[1] > MAX_GLOBAL_CHAT_COMMANDS:
        problems.append(too_long("_", MAX_GLOBAL_CHAT_COMMANDS))
    if counts[2] > MAX_CONTEXT_COMMANDS or counts[3] > MAX_CONTEXT_COMMANDS:
        problems.append(too_long("_", MAX_CONTEXT_COMMANDS))
    return problems


def check_command(command: Json, *, prefix: str = "") -> list[Problem]:
    """One command (``prefix`` empty for a single create or edit): names, options and its total size."""
    chat_input = int(command.get("type", CHAT_INPUT)) == CHAT_INPUT
    problems = _check_name(command, prefix, chat_input=chat_input)
    if chat_input:
        problems += _check_options(command.get("options") or [], join(prefix, "options"))
        size = command_size(command)
        if size > MAX_COMMAND_CHARS:
            problems.append(
                Problem(prefix, "APPLICATION_COMMAND_TOO_LARGE", f"Command exceeds maximum size ({MAX_COMMAND_CHARS})")
            )
    return problems


def command_size(command: Json) -> int:
    """Characters Discord counts towards a slash command's size limit."""
    total = _longest(command, "name") + _longest(command, "description")
    for option in command.get("options") or []:
        total += command_size(option)
    for choice in command.get("choices") or []:
        total += _longest(choice, "name") + len(str(choice.get("value", "")))
    return total


def _longest(item: Json, key: str) -> int:
    """The longest of a field and its localizations."""
    localized: dict[str, Any] = item.get(f"{key}_localizations") or {}
    return max([len(str(item.get(key) or ""))] + [len(str(v)) for v in localized.values()])


def _check_name(item: Json, path: str, *, chat_input: bool) -> list[Problem]:
    problems: list[Problem] = []
    name = str(item.get("name", ""))
    if chat_input and (not COMMAND_NAME.match(name) or name != name.lower()):
        problems.append(Problem(join(path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
    elif not 1 <= len(name) <= 32:
        problems.append(bad_length(join(path, "name"), 1, 32))
    description = str(item.get("description") or "")
    if chat_input and not 1 <= len(description) <= 100:
        problems.append(bad_length(join(path, "description"), 1, 100))
    return problems


def _check_options(options: list[Json], path: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(options) > MAX_OPTIONS:
        problems.append(too_long(path, MAX_OPTIONS))
    seen_optional = False
    for index, option in enumerate(options):
        option_path = join(path, index)
        problems += _check_name(option, option_path, chat_input=True)
        if option.get("type") in (SUBCOMMAND, GROUP):
            problems += _check_options(option.get("options") or [], join(option_path, "options"))
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
        problems += _check_choices(option, option_path)
    return problems


def _check_choices(option: Json, path: str) -> list[Problem]:
    choices: list[Json] = option.get("choices") or []
    problems: list[Problem] = []
    if len(choices) > MAX_CHOICES:
        problems.append(too_long(join(path, "choices"), MAX_CHOICES))
    for index, choice in enumerate(choices):
        choice_path = join(join(path, "choices"), index)
        if not 1 <= len(str(choice.get("name") or "")) <= MAX_CHOICE_NAME:
            problems.append(bad_length(join(choice_path, "name"), 1, MAX_CHOICE_NAME))
        problems += length(choice.get("value"), join(choice_path, "value"), MAX_CHOICE_VALUE)
    if choices and option.get("autocomplete"):
        problems.append(
            Problem(
                join(path, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES",
                "Autocomplete cannot be enabled on an option with choices",
            )
        )
    return problems
