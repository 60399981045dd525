"""The real entry point, ``python -m bot run|sync``, in a subprocess against the stand-in, set up only by env vars.

The stand-in serves on 127.0.0.1 in the test's event loop; the bot process finds it through
``DISCORD_API_BASE_URL`` and ``DISCORD_GATEWAY_URL``. The tests drive members' commands through the stand-in
and read the bot's database back with the standard ``sqlite3`` module.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.spec import SPEC_COMMANDS
from tests.standin import StandIn
from tests.standin.polling import eventually

pytestmark = pytest.mark.slow  # five bot processes: about 12 s together

TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0.GsTnDn.entrypoint-test-secret-4c1f9a7e2b"
PROBLEM = re.compile(r"^\S+ \S+ (?:WARNING|ERROR|CRITICAL) |Traceback")
VOICE_NOTICES = ("PyNaCl is not installed", "davey is not installed")  # discord.py's, at every start; no voice here
READY_WITHIN = 30.0
STOP_WITHIN = 5.0
DOCKER_STOP_GRACE = 10.0  # `docker stop` sends SIGKILL this long after SIGTERM


class BotProcess:
    """``python -m bot ...`` running against the stand-in in its own process group, output in a file.

    A file rather than a pipe: the render worker inherits the output, and a pipe would stay open until it exits.
    """

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines()

    async def line(self, fragment: str, within: float) -> str:
        """The first output line containing ``fragment``; fails early if the process exits first."""

        def probe() -> str | bool | None:
            found = next((line for line in self.lines if fragment in line), None)
            return found or (self.process.returncode is not None and "")

        found = await eventually(probe, within)
        assert found, f"exited {self.process.returncode} before logging {fragment!r}:\n{self.output}"
        return str(found)

    async def finish(self, within: float) -> int:
        """Wait for the process to exit on its own; return the exit code."""
        return await asyncio.wait_for(self.process.wait(), within)

    def problems(self) -> list[str]:
        """Logged warnings, errors and tracebacks, except discord.py's voice notices."""
        return [line for line in self.lines if PROBLEM.search(line) and not any(n in line for n in VOICE_NOTICES)]

    def group_alive(self) -> bool:
        """Whether any process of the bot's group (the bot, its render workers) is still running."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL the bot's own pid only, as the OOM killer or a supervisor does: its render workers must follow."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)


Launch = Callable[..., Awaitable[BotProcess]]


def _environment(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The inherited environment minus every Sound Off, Discord and OpenAI setting, plus the stand-in's."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "SOUNDOFF_"))}
    return inherited | {
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE_URL": standin.api_base_url,
        "DISCORD_GATEWAY_URL": standin.gateway_url,
        "SOUNDOFF_DEV_GUILD_ID": str(standin.scene.guild.id),
        "SOUNDOFF_DATABASE": str(tmp_path / "data" / "soundoff.db"),
        "SOUNDOFF_GUILD_READY_TIMEOUT": "0.05",
        "SOUNDOFF_RENDER_WORKERS": "1",
        **extra,
    }


@pytest.fixture
async def launch(standin: StandIn, tmp_path: Path) -> AsyncIterator[Launch]:
    """Start ``python -m bot ARGS`` (cwd = an empty folder, so no ``.env`` is read); killed if left running.

    Every process's output is checked at teardown: the token must never appear in it.
    """
    standin.world.application.token = TOKEN
    started: list[BotProcess] = []

    async def start(*args: str, **env: str) -> BotProcess:
        log = tmp_path / f"bot-{len(started)}.log"
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                *args,
                cwd=tmp_path,
                env=_environment(standin, tmp_path, **env),
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(BotProcess(process, log))
        return started[-1]

    yield start
    for bot in started:
        bot.kill()
        with contextlib.suppress(TimeoutError):
            await bot.finish(STOP_WITHIN)
        assert TOKEN not in bot.output, "the bot token appeared in the process output"


def _registered(standin: StandIn, guild_id: int | None) -> set[tuple[str, int]]:
    return {(c["name"], c.get("type", 1)) for c in standin.core.commands.listing(guild_id)}


async def test_run_serves_commands_and_stops_cleanly_on_sigterm(
    standin: StandIn, launch: Launch, tmp_path: Path
) -> None:
    """`run` (at DEBUG) syncs the dev guild, answers /help and /cowrite lyrics, exits 0 on SIGTERM, logs no problem."""
    scene = standin.scene
    bot = await launch("run", SOUNDOFF_LOG_LEVEL="DEBUG")
    await bot.line("Ready as", READY_WITHIN)
    assert _registered(standin, scene.guild.id) == SPEC_COMMANDS

    help_ = await standin.slash("help", member=scene.member)
    assert (await help_.response()).type == 4
    shown = await help_.message()
    assert shown.ephemeral
    assert "/cowrite lyrics" in shown.embeds[0]["description"]

    draft = await standin.slash(
        "cowrite lyrics", {"theme": "rain on the night bus", "seed": 7}, member=scene.owner, channel=scene.cowriting
    )
    assert (await draft.response()).type == 5
    posted = await eventually(lambda: draft.original if draft.original and draft.original.embeds else None, 20)
    assert posted.embeds[0]["footer"]["text"] == "AI draft · v1 · offline writer · seed 7"
    assert "lyrics.txt" in standin.files(posted)
    thread = await eventually(lambda: standin.thread_of(posted) if posted.thread_id else None, 10)
    await eventually(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)), 10)

    with contextlib.closing(sqlite3.connect(tmp_path / "data" / "soundoff.db")) as db:
        songs = db.execute("SELECT owner_id, thread_id FROM songs").fetchall()
        versions = db.execute("SELECT number, kind, writer, seed FROM versions").fetchall()
    assert songs == [(scene.owner.id, posted.thread_id)]
    assert versions == [(1, "ai-draft", "offline writer", 7)]

    bot.process.send_signal(signal.SIGTERM)
    assert await bot.finish(STOP_WITHIN) == 0
    await eventually(lambda: not bot.group_alive(), STOP_WITHIN)  # no render worker left behind
    assert any(line.endswith("bot.runner: Stopped") for line in bot.lines)
    assert bot.problems() == [], bot.output


async def test_sync_to_a_guild_registers_exactly_the_spec_commands(standin: StandIn, launch: Launch) -> None:
    """`sync --guild ID` registers the spec's command surface in that guild and nothing globally."""
    guild = standin.scene.guild.id
    sync = await launch("sync", "--guild", str(guild))
    assert await sync.finish(READY_WITHIN) == 0, sync.output
    assert f"synced {len(SPEC_COMMANDS)} command(s) guild {guild}" in sync.output
    assert _registered(standin, guild) == SPEC_COMMANDS
    assert _registered(standin, None) == set()


async def test_global_sync_registers_the_spec_commands_and_leaves_the_dev_guild_alone(
    standin: StandIn, launch: Launch
) -> None:
    """`sync` with no guild registers the same commands globally; `sync` never syncs the dev guild."""
    sync = await launch("sync")
    assert await sync.finish(READY_WITHIN) == 0, sync.output
    assert f"synced {len(SPEC_COMMANDS)} command(s) globally" in sync.output
    assert _registered(standin, None) == SPEC_COMMANDS
    assert _registered(standin, standin.scene.guild.id) == set()


async def test_rejected_token_exits_1_without_echoing_it(standin: StandIn, launch: Launch) -> None:
    """A token Discord rejects ends `run` with exit code 1 and one clear line, never the token itself."""
    wrong = TOKEN.replace("secret", "wrong0")
    bot = await launch("run", DISCORD_TOKEN=wrong)
    assert await bot.finish(READY_WITHIN) == 1
    assert "Discord rejected the token (DISCORD_TOKEN)" in bot.output
    assert wrong not in bot.output


async def test_sigterm_during_a_render_still_answers_the_member(standin: StandIn, launch: Launch) -> None:
    """SIGTERM while a song renders: the bot finishes it (or tells the member) before exiting 0, without errors."""
    scene = standin.scene
    bot = await launch("run")
    await bot.line("Ready as", READY_WITHIN)
    song = await standin.slash(
        "cowrite song", {"theme": "rain on the night bus", "seed": 7}, member=scene.owner, channel=scene.cowriting
    )
    assert (await song.response()).type == 5
    bot.process.send_signal(signal.SIGTERM)
    assert await bot.finish(DOCKER_STOP_GRACE) == 0
    original = song.original
    delivered = original is not None and bool(original.embeds)
    told = any(m.ephemeral for m in song.followups)
    assert delivered or told, f"the member was left with {original.content if original else None!r}"
    assert bot.problems() == [], bot.output
