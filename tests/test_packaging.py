"""The install is reproducible and needs no compiler, by the lock or by the built wheel.

The lock side: every dependency is pinned and PyAudio is not among them. The wheel side (slow): `python -m build`
makes a wheel (from its sdist) that carries every data file of the source tree; it installs into a fresh virtual
environment with pip resolving its dependencies from wheels only (a wheelhouse of the lock's pins, no index, no
compiler on PATH), and the installed `soundoff` writes a whole sketch and serves the playground from its own copy.
tinysoundfont, the ``audio`` extra, is added afterwards with ``--no-deps`` as the README says; the preview then
decodes.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tomllib
import urllib.request
import venv
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import mido
import pytest
import soundfile
from PIL import Image

from bot.songwriting.render.audio import MISSING_SYNTHESISER
from bot.studio import FILES

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ("bot", "cogs", "prompts")  # the folders the wheel is built from (pyproject's packages.find)


def _name(requirement: str) -> str:
    """PEP 503-normalised distribution name of a requirement such as ``discord.py>=2.7,<3``."""
    bare = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _pins(lock: str) -> dict[str, str]:
    lines = (ROOT / lock).read_text().splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {_name(name): version for name, version in pairs}


@pytest.mark.parametrize(
    ("lock", "groups"), [("requirements.lock", ("audio",)), ("requirements-dev.lock", ("audio", "dev"))]
)
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


def test_the_synthesiser_is_no_plain_dependency() -> None:
    """tinysoundfont declares PyAudio, so as a plain dependency every pip or pipx install would try to build it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "tinysoundfont" not in {_name(r) for r in project["dependencies"]}
    assert "tinysoundfont" in {_name(r) for r in project["optional-dependencies"]["audio"]}


def test_nothing_imports_pyaudio() -> None:
    """The synthesiser renders to memory; its live-playback path (the only pyaudio user) is never called."""
    sources = [p for d in ("bot", "cogs") for p in (ROOT / d).rglob("*.py")]
    assert [p for p in sources if re.search(r"^\s*(import|from) pyaudio", p.read_text(), re.MULTILINE)] == []


# --- the built wheel, installed as a user installs it -------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the built wheel, and the wheelhouse it was installed from."""

    venv: Path
    wheelhouse: Path
    home: Path

    def env(self) -> dict[str, str]:
        """A clean environment: no compiler anywhere on PATH, no pip configuration, no source tree to import."""
        return {
            "PATH": str(self.venv / "bin"),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "CC": "/bin/false",
            "CXX": "/bin/false",
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }

    def run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [str(self.venv / "bin" / argv[0]), *argv[1:]]
        return subprocess.run(
            command, cwd=self.home, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )

    def pip_install(self, *argv: str) -> None:
        """pip from the wheelhouse alone, wheels only: a requirement with no wheel there fails instead of building."""
        flags = ("--no-index", "--find-links", str(self.wheelhouse), "--only-binary=:all:", "--no-compile")
        done = self.run("python", "-m", "pip", "install", "--quiet", *flags, *argv, timeout=400)
        assert done.returncode == 0, done.stdout + done.stderr


def _tracked(*folders: str) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", *folders], cwd=ROOT, capture_output=True, check=True)
    return [name for name in listed.stdout.decode().split("\0") if name]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build` on a copy of the tracked files, as a fresh clone has them (no build/ left over): the sdist,
    then the wheel built from it, so a file the sdist leaves out is missing from the wheel too."""
    source = tmp_path_factory.mktemp("source")
    for name in _tracked():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = dist.glob("soundoff-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel in a new virtual environment, its dependencies resolved by pip from the lock's wheels.

    The wheelhouse holds exactly the lock's pins (fetched from the package registry; MIDIUtil, a pure-Python
    sdist, built to a wheel here with setuptools), and PyAudio is not one of them: were it still a dependency of a
    dependency, the install would fail for want of it.
    """
    wheelhouse = tmp_path_factory.mktemp("wheelhouse")
    lock = ("-r", str(ROOT / "requirements.lock"), "--wheel-dir", str(wheelhouse))
    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", *lock],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    target = Installed(tmp_path_factory.mktemp("venv"), wheelhouse, tmp_path_factory.mktemp("home"))
    venv.create(target.venv, with_pip=True, clear=True)
    target.pip_install(str(wheel))
    return target


@pytest.mark.slow
def test_the_wheel_carries_every_data_file(wheel: Path) -> None:
    """Prompts, phrase data, both migration sets and the playground's page: every tracked file of the packages."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    data = [name for name in _tracked(*PACKAGED) if not name.endswith(".py")]
    assert [name for name in data if name not in names] == []
    for folder in ("prompts/", "bot/songwriting/data/", "bot/db/migrations/", "bot/db/migrations/postgresql/"):
        assert any(name.startswith(folder) and not name.endswith(".py") for name in names), folder
    assert "bot/playground/static/index.html" in names


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_installed_wheel_needs_no_compiler_and_sketches(installed: Installed) -> None:
    """pip's own check passes, the code runs from the environment, and a sketch without the synthesiser says how
    to add it; with tinysoundfont added by --no-deps the same sketch carries a preview that decodes."""
    checked = installed.run("python", "-m", "pip", "check")
    assert checked.returncode == 0, checked.stdout
    where = installed.run("python", "-c", "import bot; print(bot.__file__)")
    assert where.stdout.startswith(str(installed.venv)), where.stdout + where.stderr

    bare = installed.home / "without-synthesiser"
    done = installed.run("soundoff", "sketch", "a lighthouse keeper's last night", "--out", str(bare), "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert MISSING_SYNTHESISER in done.stdout
    assert sorted(p.name for p in bare.iterdir()) == sorted(set(FILES) - {"preview.ogg"})

    installed.pip_install("--no-deps", "tinysoundfont")
    out = installed.home / "sketch"
    done = installed.run("soundoff", "sketch", "a lighthouse keeper's last night", "--out", str(out), "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    _read_back(out)
    # the score's engraving fonts were decoded from the installed verovio into this fresh home's cache
    assert list((installed.home / ".cache" / "soundoff").glob("fonts-verovio-*/Leipzig-0.ttf"))


def _read_back(out: Path) -> None:
    """Every file of the sketch, opened by a tool other than the one that wrote it."""
    song = json.loads((out / "song.json").read_text("utf-8"))
    assert song["title"]
    assert song["sections"]
    assert song["title"] in (out / "lyrics.txt").read_text("utf-8")
    notes = [m for track in mido.MidiFile(out / "melody.mid").tracks for m in track if m.type == "note_on"]
    assert len(notes) > 20
    assert ET.parse(out / "lead-sheet.musicxml").getroot().tag == "score-partwise"
    with Image.open(out / "score.png") as image:
        assert image.format == "PNG"
        assert min(image.size) > 100
    abc = (out / "melody.abc").read_text("utf-8")
    assert abc.startswith("X:")
    assert "\nK:" in abc
    samples, rate = soundfile.read(io.BytesIO((out / "preview.ogg").read_bytes()), dtype="float32")
    assert len(samples) / rate > 10
    assert float(abs(samples).max()) > 0.2  # it plays notes, not silence


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_installed_playground_serves_its_page(installed: Installed) -> None:
    """`soundoff playground --help` answers, and the playground serves its page and scripts from the wheel."""
    helped = installed.run("soundoff", "playground", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "--port" in helped.stdout
    server = subprocess.Popen(
        [str(installed.venv / "bin" / "soundoff"), "playground", "--port", "0"],
        cwd=installed.home,
        env=installed.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = None
        for line in server.stdout:  # the playground prints its address once it listens
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                url = found.group(0)
                break
        assert url is not None, "the playground exited without serving"
        with urllib.request.urlopen(url, timeout=30) as page:
            html = page.read().decode("utf-8")
        assert "<html" in html.lower()
        for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
            with urllib.request.urlopen(f"{url}static/{asset}", timeout=30) as response:
                assert response.status == 200
                assert response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
