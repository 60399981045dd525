"""PostgreSQL for the tests' second backend: one migrated template per run, a fresh clone of it for each test.

The server is not started here: ``scripts/test-postgres start`` starts a throwaway one and prints the URL to
export as ``SOUNDOFF_TEST_POSTGRES_URL`` (``.ci/run`` does). Without it the PostgreSQL half of the parametrised
tests skips, saying so, on a developer's machine; under ``CI=true`` that is a failure, never a quiet skip.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator

import psycopg
import pytest

from bot.database_target import PostgresUrl
from bot.db.migrate import open_migrated
from bot.db.postgres import connect_failure

URL_VARIABLE = "SOUNDOFF_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


class PostgresServer:
    """The test server: creates databases named after this pytest process, and drops them again."""

    def __init__(self, url: PostgresUrl) -> None:
        self.url = url
        self._names = (f"soundoff_test_{os.getpid()}_{n}" for n in itertools.count())
        self.template = next(self._names)
        self._admin("DROP DATABASE IF EXISTS {name} WITH (FORCE)", self.template)
        self._admin("CREATE DATABASE {name}", self.template)
        asyncio.run(self._migrate(url.with_database(self.template)))

    @staticmethod
    async def _migrate(url: PostgresUrl) -> None:
        db = await open_migrated(url)
        await db.close()  # a template must have no connections when it is cloned

    def _admin(self, statement: str, name: str) -> None:
        sql = statement.format(name=psycopg.sql.Identifier(name).as_string())
        with psycopg.connect(self.url.conninfo, autocommit=True) as conn:
            conn.execute(sql.encode())

    def clone(self) -> PostgresUrl:
        """A new database holding the migrated, empty schema (copied by the server: no migration runs)."""
        name = next(self._names)
        self._admin(f"CREATE DATABASE {{name}} TEMPLATE {psycopg.sql.Identifier(self.template).as_string()}", name)
        return self.url.with_database(name)

    def empty(self) -> PostgresUrl:
        """A new database with no schema at all (for the migration tests)."""
        name = next(self._names)
        self._admin("CREATE DATABASE {name}", name)
        return self.url.with_database(name)

    def drop(self, url: PostgresUrl) -> None:
        self._admin("DROP DATABASE IF EXISTS {name} WITH (FORCE)", url.conninfo.rsplit("/", 1)[1])

    def close(self) -> None:
        self._admin("DROP DATABASE IF EXISTS {name} WITH (FORCE)", self.template)


BACKEND_FIXTURES = ("database_target", "empty_database")


def uses_postgres(item: pytest.Item) -> bool:
    """The test runs on PostgreSQL: its backend parameter says so, or it asks for the server itself."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    return "postgres_server" in getattr(item, "fixturenames", ()) or any(
        params.get(name) == "postgresql" for name in BACKEND_FIXTURES
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With no server named (and not in CI), mark the PostgreSQL half skipped: one summary line per file."""
    if os.environ.get(URL_VARIABLE, "").strip() or in_ci():
        return
    start = f"export {URL_VARIABLE}=$(scripts/test-postgres start)"
    reason = f"PostgreSQL not available: {URL_VARIABLE} is not set ({start})"
    for item in items:
        if uses_postgres(item):
            item.add_marker(pytest.mark.skip(reason=reason))


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL not available: {reason}"
    if in_ci():
        pytest.fail(f"{message}. CI runs both backends: .ci/run starts the server (scripts/test-postgres)", False)
    pytest.skip(f"{message} (start one: export {URL_VARIABLE}=$(scripts/test-postgres start))")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL test server named by SOUNDOFF_TEST_POSTGRES_URL, with the migrated template made."""
    text = os.environ.get(URL_VARIABLE, "").strip()
    if not text:
        _unavailable(f"{URL_VARIABLE} is not set")
    try:
        server = PostgresServer(PostgresUrl(text))
    except (ValueError, psycopg.OperationalError) as exc:
        reason = connect_failure(exc) if isinstance(exc, psycopg.Error) else str(exc)
        _unavailable(f"{URL_VARIABLE} does not reach a server: {reason}")
    yield server
    server.close()
