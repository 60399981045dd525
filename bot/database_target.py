"""Where the database lives: an SQLite file (the embedded default) or a PostgreSQL server (scale-out mode)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True, slots=True)
class PostgresUrl:
    """A ``postgresql://`` connection URL (libpq's form); its password never shows in ``str`` or ``repr``."""

    conninfo: str = field(repr=False)

    def __post_init__(self) -> None:
        if not is_postgres_url(self.conninfo):
            raise ValueError(f"a PostgreSQL URL starts with {' or '.join(SCHEMES)}")

    def __str__(self) -> str:
        parts = urlsplit(self.conninfo)
        if parts.password is None:
            return self.conninfo
        netloc = f"{parts.username or ''}:***@{parts.netloc.rpartition('@')[2]}"
        return urlunsplit(parts._replace(netloc=netloc))

    def __repr__(self) -> str:
        return f"PostgresUrl({str(self)!r})"

    def with_database(self, name: str) -> PostgresUrl:
        """The same server and credentials, another database (the tests clone one per test)."""
        parts = urlsplit(self.conninfo)
        return PostgresUrl(urlunsplit(parts._replace(path="/" + name)))


DatabaseTarget = Path | PostgresUrl
"""What ``SOUNDOFF_DATABASE`` names: a file path, or a PostgreSQL URL."""


def is_postgres_url(text: str) -> bool:
    return text.startswith(SCHEMES)


def parse_target(value: str | Path | PostgresUrl) -> DatabaseTarget:
    """A PostgreSQL URL when the text is one, else a file path (``:memory:`` included)."""
    if isinstance(value, PostgresUrl | Path):
        return value
    return PostgresUrl(value) if is_postgres_url(value) else Path(value)
