"""Members' files fetched from Discord's CDN: after the interaction is acknowledged, capped, with a deadline.

A CDN can take seconds to answer (the stand-in's answers in microseconds): every caller defers first, and this
reads at most ``limit + 1`` bytes whatever size the attachment claimed.
"""

from __future__ import annotations

import logging

import aiohttp

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 20.0


class Downloader:
    """One HTTP session for attachment downloads, opened on first use and closed with the other resources."""

    def __init__(self, timeout: float = DOWNLOAD_TIMEOUT) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, url: str, *, filename: str, limit: int) -> bytes:
        """The file's bytes; a failure, a timeout or more than ``limit`` bytes is a UserFacingError."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.get(url) as response:
                if response.status != 200:
                    log.warning("Download of %s answered HTTP %d", filename, response.status)
                    raise UserFacingError(
                        f"I couldn't download `{filename[:60]}` from Discord. Please attach it again."
                    )
                data = await response.content.read(limit + 1)
        except (aiohttp.ClientError, TimeoutError):
            log.warning("Download of %s failed", filename, exc_info=True)
            raise UserFacingError(
                f"Downloading `{filename[:60]}` from Discord failed or took too long. Please try again."
            ) from None
        if len(data) > limit:
            raise UserFacingError(
                f"`{filename[:60]}` is larger than {limit / 1e6:.0f} MB; melody files may be 1 MB at most."
            )
        return data

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
