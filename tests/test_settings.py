"""Settings: fixed variable names, masked secrets, one clear line on bad values."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.database_target import PostgresUrl
from bot.logs import MASK, RedactSecrets
from bot.settings import SettingsError, load_settings


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing set the bot has no token and uses the offline writer."""
    for name in ("DISCORD_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL", "SOUNDOFF_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(env_file=None)
    assert settings.discord_token is None
    assert not settings.llm_configured
    assert str(settings.database) == "data/soundoff.db"


def test_env_file_is_read_and_token_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .env file supplies values; the token never shows in repr."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=abc.def.ghi-secret\nSOUNDOFF_DEV_GUILD_ID=42\n")
    settings = load_settings(env_file=env)
    assert settings.dev_guild_id == 42
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def.ghi-secret"
    assert "abc.def.ghi-secret" not in repr(settings)


def test_malformed_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A malformed value fails with the variable's name."""
    monkeypatch.setenv("SOUNDOFF_DEV_GUILD_ID", "not-a-number")
    with pytest.raises(SettingsError, match="SOUNDOFF_DEV_GUILD_ID"):
        load_settings(env_file=None)


def test_log_filter_masks_secrets() -> None:
    """A secret in a log message or its arguments is masked."""
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token is %s", ("sekrit-token-123",), None)
    RedactSecrets(["sekrit-token-123"]).filter(record)
    assert record.getMessage() == f"token is {MASK}"


def test_database_takes_a_file_path_or_a_postgresql_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """SOUNDOFF_DATABASE is a file path, or a postgresql:// URL whose password never shows (scale-out mode)."""
    monkeypatch.setenv("SOUNDOFF_DATABASE", "postgresql://bot:s3cret-pw@db.internal:5432/soundoff")
    settings = load_settings(env_file=None)
    assert isinstance(settings.database, PostgresUrl)
    assert settings.database.conninfo == "postgresql://bot:s3cret-pw@db.internal:5432/soundoff"
    assert str(settings.database) == "postgresql://bot:***@db.internal:5432/soundoff"
    assert "s3cret-pw" not in repr(settings)
    monkeypatch.setenv("SOUNDOFF_DATABASE", "/data/soundoff.db")
    assert load_settings(env_file=None).database == Path("/data/soundoff.db")


def test_shards_need_a_count_that_holds_them() -> None:
    """SOUNDOFF_SHARDS is A-B within SOUNDOFF_SHARD_COUNT; the command line's --shards/--shard-count win."""
    settings = load_settings(env_file=None, overrides={"SOUNDOFF_SHARDS": "0-1", "SOUNDOFF_SHARD_COUNT": 4})
    assert settings.shard_ids == [0, 1]
    with pytest.raises(SettingsError, match="SOUNDOFF_SHARDS needs SOUNDOFF_SHARD_COUNT"):
        load_settings(env_file=None, overrides={"SOUNDOFF_SHARDS": "1"})
    with pytest.raises(SettingsError, match="goes past shard 3"):
        load_settings(env_file=None, overrides={"SOUNDOFF_SHARDS": "2-4", "SOUNDOFF_SHARD_COUNT": 4})
    with pytest.raises(SettingsError, match=r"^SOUNDOFF_SHARDS: .*A-B"):
        load_settings(env_file=None, overrides={"SOUNDOFF_SHARDS": "two", "SOUNDOFF_SHARD_COUNT": 4})
