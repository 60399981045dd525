"""Cost control: a member's cooldown and the server's daily quota on every generating action."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.db.guild_settings import GuildSettingsRepository
from bot.db.usage import UsageRepository
from bot.errors import RateLimitedError
from bot.settings import Settings
from bot.workshop.actors import Actor


@dataclass(frozen=True, slots=True)
class Claim:
    """One counted generation: enough to give it back when its work fails."""

    guild_id: int
    member_id: int
    at: float


async def claim_generation(
    settings: Settings, guild_settings: GuildSettingsRepository, usage: UsageRepository, actor: Actor
) -> Claim:
    """Count one generation for the member, or raise with when they can try again."""
    configured = await guild_settings.get(actor.guild_id)
    cooldown = configured.cooldown_seconds if configured.cooldown_seconds is not None else settings.cooldown_seconds
    quota = configured.daily_quota if configured.daily_quota is not None else settings.daily_quota
    now = time.time()
    denied = await usage.claim(actor.guild_id, actor.user_id, cooldown=cooldown, quota=quota, now=now)
    if denied is None:
        return Claim(actor.guild_id, actor.user_id, now)
    if denied.reason == "cooldown":
        raise RateLimitedError("You're on a short cooldown between generations.", denied.retry_at)
    raise RateLimitedError(f"This server has used its {quota} generations for today.", denied.retry_at)


async def refund_generation(usage: UsageRepository, claim: Claim) -> None:
    """Give a claimed generation back (its work failed): it costs the member no cooldown and the server no quota."""
    await usage.refund(claim.guild_id, claim.member_id, claimed_at=claim.at)
