"""Typed settings from the environment and an optional ``.env`` file (names fixed by SPEC §7).

Built once by the entry point and passed down; nothing reads the environment at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.database_target import DatabaseTarget, PostgresUrl, parse_target
from bot.errors import StartupError
from bot.shards import ShardRange

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(StartupError):
    """A missing or malformed setting; the message names the variable."""


QUEUE_POOL = 3
"""Connections of procrastinate's pool in each process (deferring, fetching jobs, heartbeats)."""
QUEUE_CONNECTIONS = QUEUE_POOL + 1
"""The job queue's share of a process's connections: its pool and a worker's LISTEN connection."""
START_UP_CONNECTIONS = 1
"""The connection migrations and the job queue's schema check hold for a moment at start."""
MIN_DB_CONNECTIONS = START_UP_CONNECTIONS + QUEUE_CONNECTIONS + 2


class Settings(BaseSettings):
    """Process-wide settings. Per-server settings live in the database and override the defaults here."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", arbitrary_types_allowed=True
    )

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_base_url: str | None = Field(default=None, validation_alias="DISCORD_API_BASE_URL")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    dev_guild_id: int | None = Field(default=None, validation_alias="SOUNDOFF_DEV_GUILD_ID")
    database: DatabaseTarget = Field(default=Path("./data/soundoff.db"), validation_alias="SOUNDOFF_DATABASE")
    """An SQLite file (the embedded default), or a ``postgresql://`` URL for scale-out mode (SPEC §8)."""

    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    openai_model: str = Field(default="gpt-4o-mini", validation_alias="OPENAI_MODEL")
    openai_timeout: float = Field(default=20.0, gt=0, le=600, validation_alias="SOUNDOFF_LLM_TIMEOUT")
    openai_deadline: float = Field(default=25.0, gt=0, le=600, validation_alias="SOUNDOFF_LLM_DEADLINE")

    cooldown_seconds: int = Field(default=30, ge=0, validation_alias="SOUNDOFF_COOLDOWN_SECONDS")
    daily_quota: int = Field(default=200, ge=0, validation_alias="SOUNDOFF_DAILY_QUOTA")
    render_workers: int = Field(default=2, ge=1, le=16, validation_alias="SOUNDOFF_RENDER_WORKERS")
    audio_max_seconds: float = Field(default=90.0, gt=0, le=600, validation_alias="SOUNDOFF_AUDIO_MAX_SECONDS")
    """The longest sung recording (voice message or audio attachment) transcribed into a melody."""
    audio_max_bytes: int = Field(default=8_000_000, gt=0, le=25_000_000, validation_alias="SOUNDOFF_AUDIO_MAX_BYTES")
    guild_ready_timeout: float = Field(default=2.0, ge=0, validation_alias="SOUNDOFF_GUILD_READY_TIMEOUT")
    log_level: LogLevel = Field(default="INFO", validation_alias="SOUNDOFF_LOG_LEVEL")
    shards: ShardRange | None = Field(default=None, validation_alias="SOUNDOFF_SHARDS")
    """The gateway shards this process owns (scale-out mode); with only a count, it owns them all."""
    shard_count: int | None = Field(default=None, ge=1, validation_alias="SOUNDOFF_SHARD_COUNT")
    identify_interval: float = Field(default=5.0, gt=0, le=60, validation_alias="SOUNDOFF_IDENTIFY_INTERVAL")
    """Seconds between IDENTIFYs of one rate-limit bucket across all processes: Discord's 5 (tests scale it down)."""
    render_queue: bool = Field(default=False, validation_alias="SOUNDOFF_RENDER_QUEUE")
    """Scale-out mode: drafts and sound-off deadlines go to the job queue that `soundoff worker`s run (PostgreSQL)."""
    db_connections: int = Field(default=14, ge=MIN_DB_CONNECTIONS, le=500, validation_alias="SOUNDOFF_DB_CONNECTIONS")
    """The most PostgreSQL connections one process (bot or worker) opens; size the server's max_connections to
    the processes times this, plus a few for psql and backups."""

    @field_validator(
        "discord_token",
        "openai_api_key",
        "dev_guild_id",
        "discord_api_base_url",
        "discord_gateway_url",
        "openai_base_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """``KEY=`` in a .env (as .env.example has it) means unset, not an empty token or URL."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database", mode="before")
    @classmethod
    def _database_target(cls, value: object) -> object:
        return parse_target(value) if isinstance(value, str | Path) else value

    @field_validator("shards", mode="before")
    @classmethod
    def _shard_range(cls, value: object) -> object:
        if isinstance(value, str):
            return ShardRange.parse(value) if value.strip() else None
        return value

    @model_validator(mode="after")
    def _shards_within_count(self) -> Settings:
        if self.shards is not None and self.shard_count is None:
            raise ValueError("SOUNDOFF_SHARDS needs SOUNDOFF_SHARD_COUNT (every process must agree on the count)")
        if self.shards is not None and self.shard_count is not None and self.shards.last >= self.shard_count:
            raise ValueError(f"SOUNDOFF_SHARDS {self.shards} goes past shard {self.shard_count - 1}")
        return self

    @model_validator(mode="after")
    def _queue_on_postgres(self) -> Settings:
        if self.render_queue and not isinstance(self.database, PostgresUrl):
            raise ValueError("SOUNDOFF_RENDER_QUEUE needs a postgresql:// SOUNDOFF_DATABASE (the queue lives there)")
        return self

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def database_pool_size(self) -> int:
        """The repositories' share of ``db_connections``: what the job queue and start-up leave."""
        reserved = START_UP_CONNECTIONS + (QUEUE_CONNECTIONS if self.render_queue else 0)
        return self.db_connections - reserved

    @property
    def shard_ids(self) -> list[int] | None:
        """The shards to connect, or None: all of ``shard_count`` (or one unsharded connection without a count)."""
        return self.shards.ids if self.shards is not None else None

    @property
    def llm_configured(self) -> bool:
        """The LLM writer is used when a key or a base URL (a local server may need no key) is set."""
        return self.openai_api_key is not None or self.openai_base_url is not None

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def load_settings(env_file: str | Path | None = ".env", overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build settings (``overrides``: variables given on the command line), one line naming the variable on failure."""
    try:
        return Settings(_env_file=env_file, **(overrides or {}))  # type: ignore[call-arg]  # pydantic-settings' keywords
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:  # a rule across variables: its message names them
            raise SettingsError(str(first["msg"]).removeprefix("Value error, ")) from None
        field = str(first["loc"][0]) if first["loc"] else "?"
        info = Settings.model_fields.get(field)
        variable = str(info.validation_alias) if info is not None and info.validation_alias else field.upper()
        raise SettingsError(f"{variable}: {first['msg']}") from None
    except (OSError, UnicodeDecodeError) as exc:  # an unreadable .env, or one that is not UTF-8 text
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise SettingsError(f"cannot read {env_file}: {reason}") from None
