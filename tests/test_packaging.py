"""The install is reproducible and needs no compiler: every dependency is pinned, PyAudio is not among them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    """PEP 503-normalised distribution name of a requirement such as ``discord.py>=2.7,<3``."""
    bare = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _pins(lock: str) -> dict[str, str]:
    lines = (ROOT / lock).read_text().splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {_name(name): version for name, version in pairs}


@pytest.mark.parametrize(("lock", "groups"), [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))])
def test_every_dependency_is_pinned(lock: str, groups: tuple[str, ...]) -> None:
    """A dependency added to pyproject.toml without re-running scripts/lock would be missing from the install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"]) + [r for g in groups for r in project["optional-dependencies"][g]]
    pins = _pins(lock)
    assert [r for r in wanted if _name(r) not in pins] == []


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_pyaudio_stays_out(lock: str) -> None:
    """PyAudio needs a compiler and PortAudio's headers, and nothing in Sound Off plays to a sound card."""
    assert "pyaudio" not in _pins(lock)


def test_nothing_imports_pyaudio() -> None:
    """The synthesiser renders to memory; its live-playback path (the only pyaudio user) is never called."""
    sources = [p for d in ("bot", "cogs") for p in (ROOT / d).rglob("*.py")]
    assert [p for p in sources if re.search(r"^\s*(import|from) pyaudio", p.read_text(), re.MULTILINE)] == []
