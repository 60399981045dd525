"""The built container image, run as a user would run it: opt-in, because building it takes minutes.

    scripts/build-image --stand-in-base && SOUNDOFF_IMAGE_TESTS=1 .venv/bin/pytest tests/test_image.py

Runs the image with podman (no Docker engine here) and no network. SOUNDOFF_IMAGE names the image (default
``soundoff``); SOUNDOFF_PODMAN and SOUNDOFF_PODMAN_RUN replace the podman command and its run flags, whose defaults
suit this kind of host (vfs storage like scripts/build-image; runc and cgroupfs because crun cannot set up cgroups
on a hybrid hierarchy; open-file and process limits below the host's hard limits, which a container may not raise).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMAGE = os.environ.get("SOUNDOFF_IMAGE", "soundoff")
PODMAN = shlex.split(
    os.environ.get("SOUNDOFF_PODMAN", "podman --storage-driver vfs --runtime runc --cgroup-manager cgroupfs")
)
RUN_FLAGS = shlex.split(
    os.environ.get("SOUNDOFF_PODMAN_RUN", "--network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096")
)
SKETCH_FILES = set("song.json lyrics.txt melody.mid lead-sheet.musicxml score.png preview.ogg melody.abc".split())

if os.environ.get("SOUNDOFF_IMAGE_TESTS") != "1":
    pytest.skip("the built image: set SOUNDOFF_IMAGE_TESTS=1 to run", allow_module_level=True)
if shutil.which(PODMAN[0]) is None:
    pytest.skip("the built image: needs podman (apt-get install podman runc)", allow_module_level=True)
pytestmark = pytest.mark.slow


def podman(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False)


def container(*args: str, volume: str | None = None, env_file: bool = True) -> subprocess.CompletedProcess[str]:
    """A new container each call (``--rm``): whatever survives between two calls survived a recreation."""
    flags = ["run", "--rm", "--no-healthcheck", *RUN_FLAGS]
    if volume is not None:
        flags += ["-v", f"{volume}:/data"]
    if env_file:  # what the README tells people to do with their copy of .env.example
        flags += ["--env-file", str(ROOT / ".env.example")]
    return podman(*flags, *args)


@pytest.fixture(scope="module", autouse=True)
def image() -> str:
    if podman("image", "exists", IMAGE).returncode != 0:
        pytest.fail(f"no image {IMAGE}: run scripts/build-image first", pytrace=False)
    return IMAGE


@pytest.fixture
def volume() -> Iterator[str]:
    """A named volume, as in the README's ``-v soundoff-data:/data``."""
    name = f"soundoff-test-{uuid.uuid4().hex[:8]}"
    assert podman("volume", "create", name).returncode == 0
    yield name
    podman("volume", "rm", "--force", name)


def test_the_image_runs_as_uid_10001_with_the_database_in_the_volume() -> None:
    """The image's own settings: a non-root user, /data declared a volume, the database path inside it."""
    config = json.loads(podman("image", "inspect", IMAGE).stdout)[0]["Config"]
    assert config["User"] == "soundoff"
    assert "/data" in config["Volumes"]
    assert "SOUNDOFF_DATABASE=/data/soundoff.db" in config["Env"]
    assert container("--entrypoint", "id", IMAGE, "-u").stdout.strip() == "10001"


def test_version() -> None:
    """``--version`` answers from the installed package."""
    from bot import __version__

    result = container(IMAGE, "--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"soundoff {__version__}")


def test_run_without_a_token_is_one_line_and_exit_2() -> None:
    """The default command with .env.example's empty token explains itself in one line."""
    result = container(IMAGE)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "DISCORD_TOKEN" in result.stderr


def test_the_database_stays_in_the_volume_across_a_recreation(volume: str) -> None:
    """.env.example no longer overrides /data: a migrated database is still there for the next container."""
    assert container(IMAGE, "db", "upgrade", volume=volume).returncode == 0
    status = container(IMAGE, "db", "status", volume=volume)
    assert "database: /data/soundoff.db" in status.stdout
    assert "pending: none" in status.stdout
    assert "schema version: 0" not in status.stdout
    listed = container("--entrypoint", "ls", IMAGE, "/data", volume=volume).stdout.split()
    assert "soundoff.db" in listed


def test_health_reads_the_volume_and_wants_a_heartbeat(volume: str) -> None:
    """With no bot connected the check is unhealthy (exit 1, one line) and names the missing heartbeat."""
    assert container(IMAGE, "db", "upgrade", volume=volume).returncode == 0
    result = container(IMAGE, "health", volume=volume)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("unhealthy: no heartbeat at /data/soundoff.db.heartbeat")


def test_a_sketch_into_the_volume_has_every_file_and_no_warnings(volume: str) -> None:
    """The offline studio inside the image writes every file (score image and audio included) into /data."""
    theme = "rain on the night bus home"
    result = container(IMAGE, "sketch", theme, "--out", "/data/sketch", "--seed", "7", volume=volume)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no music21 warning about the plotting library left out, no traceback
    paths = sorted(f"/data/sketch/{name}" for name in SKETCH_FILES)
    sizes = container("--entrypoint", "stat", IMAGE, "-c", "%n %s", *paths, volume=volume)
    written = dict(line.rsplit(" ", 1) for line in sizes.stdout.splitlines())
    assert sizes.returncode == 0, sizes.stderr
    assert {Path(name).name for name, size in written.items() if int(size) > 0} == SKETCH_FILES


def test_a_members_melody_file_parses_in_the_image(volume: str) -> None:
    """music21's reader still works without its corpus: the sketch's own MusicXML reads back as a melody."""
    assert container(IMAGE, "sketch", "a theme", "--out", "/data/s", "--seed", "3", volume=volume).returncode == 0
    code = (
        "from bot.songwriting.render.sketch import read_melody; "
        "m = read_melody(open('/data/s/lead-sheet.musicxml', 'rb').read(), 'lead-sheet.musicxml'); "
        "print(len(m.notes))"
    )
    result = container("--entrypoint", "python3", IMAGE, "-c", code, volume=volume)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 8


def test_a_root_owned_bind_mount_is_one_line_until_chowned_to_10001(tmp_path: Path) -> None:
    """As the README says: a bind mount must be writable by uid 10001; until it is, one clear line, exit 2."""
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    refused = container(IMAGE, "db", "upgrade", volume=str(data))
    assert refused.returncode == 2
    assert len(refused.stderr.splitlines()) == 1, refused.stderr
    os.chown(data, 10001, 10001)
    assert container(IMAGE, "db", "upgrade", volume=str(data)).returncode == 0
    assert (data / "soundoff.db").stat().st_uid == 10001
