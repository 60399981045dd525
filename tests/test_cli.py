"""The soundoff command as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "SOUNDOFF_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_help_lists_commands() -> None:
    """--help names every sub-command."""
    result = _run("--help")
    assert result.returncode == 0
    for command in ("run", "sync", "sketch", "db"):
        assert command in result.stdout


def test_version() -> None:
    """--version prints the package version."""
    from bot import __version__

    assert _run("--version").stdout.strip() == f"soundoff {__version__}"


def test_run_without_token_exits_2_and_points_to_sketch(tmp_path: Path) -> None:
    """run with no token explains itself on one line and exits 2."""
    result = _run("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "soundoff sketch" in result.stderr


def test_db_upgrade_then_status(tmp_path: Path) -> None:
    """db upgrade creates the database; db status reports no pending migrations."""
    env = {"SOUNDOFF_DATABASE": str(tmp_path / "d" / "s.db")}
    upgraded = _run("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    status = _run("db", "status", env=env, cwd=tmp_path)
    assert "pending: none" in status.stdout
    assert (tmp_path / "d" / "s.db").exists()


@pytest.mark.parametrize("value", ["abc", "1.5"])
def test_bad_setting_is_one_clear_line(tmp_path: Path, value: str) -> None:
    """A malformed setting stops the command with its name."""
    result = _run("db", "status", env={"SOUNDOFF_DEV_GUILD_ID": value}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SOUNDOFF_DEV_GUILD_ID" in result.stderr


def _one_line_exit_2(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.mark.parametrize("command", [("db", "status"), ("db", "upgrade"), ("run",)])
def test_a_file_that_is_not_a_database_is_one_line_and_does_not_hang(tmp_path: Path, command: tuple[str, ...]) -> None:
    """aiosqlite's thread used to keep the process alive after a failed PRAGMA (the 60 s timeout would trip)."""
    (tmp_path / "notes.txt").write_text("not a database, just words\n" * 100)
    env = {"SOUNDOFF_DATABASE": str(tmp_path / "notes.txt"), "DISCORD_TOKEN": "x"}
    _one_line_exit_2(_run(*command, env=env, cwd=tmp_path), "notes.txt", "not a database")


@pytest.mark.parametrize(("make", "where"), [("folder", "db"), ("file", "db/sub/s.db")])
def test_an_impossible_database_path_is_one_line(tmp_path: Path, make: str, where: str) -> None:
    """A folder, or a path through a file, is named in one line rather than a 40-line traceback."""
    if make == "folder":
        (tmp_path / "db").mkdir()
    else:
        (tmp_path / "db").write_text("")
    _one_line_exit_2(_run("db", "status", env={"SOUNDOFF_DATABASE": str(tmp_path / where)}, cwd=tmp_path), "db")


def test_an_unreachable_discord_is_one_line(tmp_path: Path) -> None:
    """A DNS failure (here a reserved .invalid name) gives one line naming where, not aiohttp's traceback."""
    env = {
        "DISCORD_TOKEN": "x",
        "DISCORD_API_BASE_URL": "http://discord.invalid/api/v10",
        "SOUNDOFF_DATABASE": str(tmp_path / "s.db"),
        "SOUNDOFF_RENDER_WORKERS": "1",
    }
    result = _run("run", env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("soundoff:")]
    assert len(errors) == 1
    assert "cannot reach Discord at http://discord.invalid" in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [("sketch", "--bogus"), (), ("sketch", "x", "--out", "o", "--tempo", "fast")])
def test_usage_errors_are_one_line(tmp_path: Path, argv: tuple[str, ...]) -> None:
    """argparse printed a usage block first; the README promises one line."""
    _one_line_exit_2(_run(*argv, cwd=tmp_path), "--help")


@pytest.mark.parametrize("content", [b"DISCORD_TOKEN=\xff\xfe\n", b"SOUNDOFF_DAILY_QUOTA=lots\n"])
def test_a_bad_env_file_is_one_line(tmp_path: Path, content: bytes) -> None:
    """A .env that is not UTF-8, or holds a malformed value, is named in one line."""
    (tmp_path / ".env").write_bytes(content)
    _one_line_exit_2(_run("db", "status", cwd=tmp_path))


def test_start_without_a_token_serves_the_playground(tmp_path: Path) -> None:
    """`make start`'s command: no DISCORD_TOKEN, so the playground serves on loopback (its own database)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "OPENAI_", "SOUNDOFF_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "start", "--port", "0"],
        cwd=tmp_path,
        env={**base, "SOUNDOFF_RENDER_WORKERS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "DISCORD_TOKEN is not set" in process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:[0-9]+/)", process.stdout.readline())
        assert found, "the playground prints its URL"
        with urllib.request.urlopen(found[1] + "api/bootstrap", timeout=10) as answer:
            assert json.load(answer)["members"][0]["key"] == "you"
        assert (tmp_path / "data" / "playground.db").is_file(), "a database of its own, beside the bot's"
        assert not (tmp_path / "data" / "soundoff.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr


def test_playground_on_another_address_warns_and_an_unusable_one_is_one_line(tmp_path: Path) -> None:
    """A non-loopback address prints the no-accounts warning; one that can't be bound is one line and exit 2."""
    result = _run("playground", "--host", "192.0.2.1", "--port", "0", cwd=tmp_path)  # TEST-NET: not on this machine
    assert "warning: serving on 192.0.2.1: the playground has no accounts" in result.stderr
    _one_line_exit_2(
        subprocess.CompletedProcess(result.args, result.returncode, result.stdout, result.stderr.split("\n", 1)[1]),
        "cannot listen on 192.0.2.1:0",
    )


def test_playground_on_a_busy_port_is_one_line(tmp_path: Path) -> None:
    """A port already taken is named in one line."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _one_line_exit_2(_run("playground", "--port", str(port), cwd=tmp_path), f"cannot listen on 127.0.0.1:{port}")


def test_start_with_a_bad_env_file_is_one_line(tmp_path: Path) -> None:
    """The Makefile used to print a Python traceback for a bad .env before the command's own line."""
    (tmp_path / ".env").write_text("SOUNDOFF_COOLDOWN_SECONDS=-5\n")
    _one_line_exit_2(_run("start", cwd=tmp_path), "SOUNDOFF_COOLDOWN_SECONDS")
