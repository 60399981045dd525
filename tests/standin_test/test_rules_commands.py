"""Command registrations the stand-in refuses as Discord does, sent over plain HTTP: choice names past 100
characters, autocomplete together with choices, and a slash command past Discord's total size."""

from __future__ import annotations

from tests.standin import StandIn
from tests.standin.limits_commands import MAX_COMMAND_CHARS, command_size
from tests.standin.world import Json
from tests.standin_test.raw import Answer, call


def _guild_commands(standin: StandIn) -> str:
    return f"/applications/{standin.world.application.id}/guilds/{standin.scene.guild.id}/commands"


async def _overwrite(standin: StandIn, *commands: Json) -> Answer:
    return await call(standin, "PUT", _guild_commands(standin), list(commands))


def _command(*options: Json) -> Json:
    return {"type": 1, "name": "cowrite", "description": "Write a song", "options": list(options)}


def _option(**extra: object) -> Json:
    return {"type": 3, "name": "form", "description": "Song form", **extra}


def _command_of_size(size: int) -> Json:
    """A slash command whose counted characters come to exactly ``size`` (at least 305)."""
    options = [_option(name=name, description="d" * 100, choices=[]) for name in ("a", "b")]
    command = {"type": 1, "name": "big", "description": "x" * 100, "options": options}
    remaining = size - command_size(command)
    number = 0
    while remaining > 0:
        take = min(remaining, 200)
        name = f"{number:03d}" + "n" * (min(100, take - 1) - 3)
        value = "v" * (take - len(name))
        options[number // 25]["choices"].append({"name": name, "value": value})
        remaining -= take
        number += 1
    assert command_size(command) == size
    return command


async def test_choice_names_are_at_most_100_characters(standin: StandIn) -> None:
    """A 101-character choice name is BASE_TYPE_BAD_LENGTH on that choice; 100 is fine."""
    choice = {"name": "c" * 101, "value": "verse-chorus"}
    answer = await _overwrite(standin, _command(_option(choices=[choice])))
    assert (answer.status, answer.code) == (400, 50035)
    assert answer.errors_at("0.options.0.choices.0.name") == ["BASE_TYPE_BAD_LENGTH"]
    choice["name"] = "c" * 100
    assert (await _overwrite(standin, _command(_option(choices=[choice])))).status == 200


async def test_autocomplete_and_choices_exclude_each_other(standin: StandIn) -> None:
    """An option with ``autocomplete`` and ``choices`` is refused; either one alone (or empty choices) is fine."""
    choices = [{"name": "Ballad", "value": "ballad"}]
    answer = await _overwrite(standin, _command(_option(autocomplete=True, choices=choices)))
    assert (answer.status, answer.code) == (400, 50035)
    assert answer.errors_at("0.options.0.autocomplete") == ["APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES"]
    assert (await _overwrite(standin, _command(_option(autocomplete=True, choices=[])))).status == 200
    assert (await _overwrite(standin, _command(_option(choices=choices)))).status == 200


async def test_a_command_past_the_size_limit_is_too_large(standin: StandIn) -> None:
    """One character past the limit is APPLICATION_COMMAND_TOO_LARGE, under the command's index in a bulk
    overwrite and at the root for a single create; exactly the limit is fine."""
    answer = await _overwrite(standin, _command(), _command_of_size(MAX_COMMAND_CHARS + 1))
    assert (answer.status, answer.code) == (400, 50035)
    assert answer.errors_at("1") == ["APPLICATION_COMMAND_TOO_LARGE"]
    assert answer.body["errors"]["1"]["_errors"][0]["message"] == f"Command exceeds maximum size ({MAX_COMMAND_CHARS})"
    single = await call(standin, "POST", _guild_commands(standin), _command_of_size(MAX_COMMAND_CHARS + 1))
    assert single.errors_at("") == ["APPLICATION_COMMAND_TOO_LARGE"]
    assert (await _overwrite(standin, _command_of_size(MAX_COMMAND_CHARS))).status == 200


async def test_the_size_limit_is_the_documented_8000(standin: StandIn) -> None:
    """Discord raised the limit from 4000 to 8000 characters in 2024: a 4001-character command registers."""
    assert MAX_COMMAND_CHARS == 8000
    assert (await _overwrite(standin, _command_of_size(4001))).status == 200


async def test_the_size_counts_the_longest_localization(standin: StandIn) -> None:
    """A long localized description counts instead of the short default, as Discord counts it."""
    command = _command_of_size(MAX_COMMAND_CHARS + 1)
    command["description"] = "x" * 50
    assert command_size(command) == MAX_COMMAND_CHARS - 49
    command["description_localizations"] = {"de": "y" * 100}
    assert command_size(command) == MAX_COMMAND_CHARS + 1
    single = await call(standin, "POST", _guild_commands(standin), command)
    assert single.errors_at("") == ["APPLICATION_COMMAND_TOO_LARGE"]
