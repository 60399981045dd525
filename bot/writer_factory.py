"""The one place a LyricWriter is built from Settings, for the bot (``Services``) and the studio alike.

Both honour the same settings: the LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, its model, and the two
time limits, SOUNDOFF_LLM_TIMEOUT (one request) and SOUNDOFF_LLM_DEADLINE (a whole draft, repair included).
Before this the studio built its own LLMWriter and ignored both limits.
"""

from __future__ import annotations

from bot.settings import Settings
from bot.songwriting.writers.llm import LLMWriter
from bot.songwriting.writers.lyric_writer import LyricWriter


def llm_writer(settings: Settings) -> LLMWriter | None:
    """The LLM writer the settings describe, or None when no LLM is configured."""
    if not settings.llm_configured:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"  # local servers
    return LLMWriter(
        api_key=key,
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        timeout=settings.openai_timeout,
        deadline=settings.openai_deadline,
    )


def lyric_writer(settings: Settings) -> LyricWriter:
    """The lyrics entry point for these settings: the LLM with the offline fallback, or the offline writer."""
    return LyricWriter(llm_writer(settings))
