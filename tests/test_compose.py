"""compose.yaml, the scale-out deployment: each service's settings are ones the bot accepts, and they fit together."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.database_target import PostgresUrl
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]


def _soundoff(command: str) -> dict[str, Settings]:
    """The settings of every Sound Off service running ``command``, as the bot reads them from its environment."""
    found = {}
    for name, service in SERVICES.items():
        if service.get("image") == "soundoff" and service["command"] == [command]:
            environment = {key: str(value) for key, value in service["environment"].items()}
            found[name] = Settings(_env_file=None, DISCORD_TOKEN="x", **environment)  # type: ignore[call-arg]
    return found


def test_the_bot_processes_own_every_shard_exactly_once() -> None:
    bots = _soundoff("run")
    assert len(bots) >= 2
    counts = {settings.shard_count for settings in bots.values()}
    assert len(counts) == 1  # every process agrees on the count
    [count] = counts
    owned = sorted(shard for settings in bots.values() for shard in settings.shard_ids or [])
    assert owned == list(range(count or 0))


def test_every_process_shares_one_database_queue_and_rest_proxy() -> None:
    everyone = {**_soundoff("run"), **_soundoff("worker")}
    assert {type(s.database) for s in everyone.values()} == {PostgresUrl}
    assert len({s.database.conninfo for s in everyone.values() if isinstance(s.database, PostgresUrl)}) == 1
    assert all(s.render_queue for s in everyone.values())
    proxies = {urlsplit(s.discord_api_base_url or "").hostname for s in everyone.values()}
    assert proxies == {"proxy"}
    assert "proxy" in SERVICES
    database = next(iter(everyone.values())).database
    assert isinstance(database, PostgresUrl)
    assert urlsplit(database.conninfo).hostname == "postgres"
    assert "postgres" in SERVICES


def test_workers_run_the_queue_and_scale_with_replicas() -> None:
    workers = _soundoff("worker")
    assert workers
    for name in workers:
        assert SERVICES[name]["deploy"]["replicas"] >= 2
        assert SERVICES[name]["healthcheck"] == {"disable": True}  # no gateway heartbeat to check


def test_postgres_admits_every_process_at_its_connection_budget() -> None:
    """max_connections covers the bots and the workers (scaled to the six the file is sized for) at their
    SOUNDOFF_DB_CONNECTIONS each, with ten left for psql and backups."""
    command = SERVICES["postgres"]["command"]
    [limit] = [int(arg.split("=", 1)[1]) for arg in command if arg.startswith("max_connections=")]
    bots, workers = _soundoff("run"), _soundoff("worker")
    budget = {s.db_connections for s in [*bots.values(), *workers.values()]}
    assert len(budget) == 1
    [per_process] = budget
    assert (len(bots) + max(6, *(SERVICES[name]["deploy"]["replicas"] for name in workers))) * per_process + 10 <= limit
    assert all(s.database_pool_size >= 2 for s in [*bots.values(), *workers.values()])


def test_every_image_is_pinned() -> None:
    """No ``:latest`` or untagged image: a restart never pulls a different proxy or database than was tested."""
    for name, service in SERVICES.items():
        if "build" in service:
            continue  # the bot's own image, built from this checkout
        image = service["image"]
        assert ":" in image.rsplit("/", 1)[-1], f"{name} runs an untagged image"
        assert not image.endswith(":latest"), f"{name} runs :latest"


def _compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _compose_available(), reason="docker compose is not installed")
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    """Docker's own reading of the file (interpolation, anchors, merge keys), where Docker Compose is installed;
    in a copy beside an empty .env, which the file requires and a checkout does not have."""
    shutil.copy(ROOT / "compose.yaml", tmp_path / "compose.yaml")
    (tmp_path / ".env").write_text("", encoding="utf-8")
    checked = subprocess.run(
        ["docker", "compose", "--file", "compose.yaml", "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COMPOSE_PROJECT_NAME": "soundoff-check"},
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stderr
