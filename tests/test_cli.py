"""The soundoff command as a user runs it: a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
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
