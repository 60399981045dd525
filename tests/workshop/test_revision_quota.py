"""Revisions with files cost a generation (cooldown and quota), given back when the work fails (real database)."""

from __future__ import annotations

import pytest

from bot.errors import RateLimitedError, UserFacingError
from bot.services import Services
from bot.workshop.revising import Revisions, Upload
from tests.songwriting.music import hostile
from tests.workshop.songs import ANA, a_song

TUNE = hostile.abc("C D E F | G A B c |]")


def _upload(data: bytes = TUNE, name: str = "tune.abc") -> Upload:
    return Upload(name, len(data), data)


async def test_a_revision_with_a_file_counts_against_the_cooldown_and_quota(services: Services) -> None:
    """A melody file starts the member's cooldown and counts for the server; lyric edits stay free."""
    await services.guild_settings.update(1, cooldown_seconds=60)
    song = await a_song(services)
    revisions = Revisions(services)
    await revisions.submit(song, ANA, text=None, upload=_upload(), parent=await revisions.parent_for(song, None))
    assert await services.usage.used_today(1) == 1
    with pytest.raises(RateLimitedError, match="cooldown") as refused:
        await revisions.submit(song, ANA, text=None, upload=_upload(), parent=await revisions.parent_for(song, None))
    assert refused.value.retry_at > 0
    assert len(await services.songs.versions(song.id)) == 2
    await revisions.submit(
        song, ANA, text="[Verse 1]\nnew words\nand more", upload=None, parent=await revisions.parent_for(song, None)
    )
    assert await services.usage.used_today(1) == 1


async def test_a_refused_file_costs_nothing(services: Services) -> None:
    """A hostile file is refused and its generation given back: the member's next upload goes straight through."""
    await services.guild_settings.update(1, cooldown_seconds=60, daily_quota=1)
    song = await a_song(services)
    revisions = Revisions(services)
    poison = hostile.negative_duration()
    with pytest.raises(UserFacingError, match="can't be negative"):
        await revisions.submit(
            song, ANA, text=None, upload=_upload(poison, "x.musicxml"), parent=await revisions.parent_for(song, None)
        )
    assert await services.usage.used_today(1) == 0
    await revisions.submit(song, ANA, text=None, upload=_upload(), parent=await revisions.parent_for(song, None))
    assert await services.usage.used_today(1) == 1
    with pytest.raises(RateLimitedError, match="cooldown"):  # the cooldown is checked before the quota
        await revisions.submit(song, ANA, text=None, upload=_upload(), parent=await revisions.parent_for(song, None))
