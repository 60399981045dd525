"""The PostgreSQL server the scale-out benches run on: SOUNDOFF_TEST_POSTGRES_URL, else a throwaway one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bot.database_target import PostgresUrl  # noqa: E402

TEST_POSTGRES = ROOT / "scripts" / "test-postgres"


@contextmanager
def postgres_server() -> Iterator[PostgresUrl | None]:
    """The named server, or one scripts/test-postgres starts for the run and stops after; None if neither works."""
    named = os.environ.get("SOUNDOFF_TEST_POSTGRES_URL", "").strip()
    if named:
        yield PostgresUrl(named)
        return
    started = subprocess.run([str(TEST_POSTGRES), "start"], capture_output=True, text=True)
    if started.returncode != 0:
        print(f"PostgreSQL rows skipped: no server ({started.stderr.strip().splitlines()[-1:]})")
        yield None
        return
    try:
        yield PostgresUrl(started.stdout.strip())
    finally:
        subprocess.run([str(TEST_POSTGRES), "stop"], capture_output=True)


def fresh_database(server: PostgresUrl, name: str) -> PostgresUrl:
    """An empty database of that name on the server (dropped first if a previous run left it)."""
    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    return server.with_database(name)
