"""Headless Chromium from Debian driven by Playwright, for the playground's browser tests.

Playwright's own browser download is never used (it cannot run here): it drives the system Chromium through
``executable_path``. Without Chromium or Playwright the tests skip and say why; CI installs Chromium
(.ci/run, through scripts/install-system-packages).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SOUNDOFF_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "playground"
"""Where every run leaves its screenshots (CI keeps them; the folder is ignored by git)."""
DOCS = ROOT / "docs"
DOCS_WIDTH = 1200
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine's closed network refuses Chromium's own connections
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    found = os.environ.get("SOUNDOFF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (it is in the dev dependencies: make setup)"
    if chromium_path() is None:
        return "Chromium is not installed: apt-get install chromium (CI does, in .ci/run)"
    return None


@dataclass
class Browser:
    """A page in headless Chromium, and what went wrong in it (console errors, uncaught exceptions)."""

    page: Page
    errors: list[str] = field(default_factory=list)

    async def screenshot(self, name: str, *, docs: bool = False) -> Path:
        """Save a screenshot as a test artefact; with SOUNDOFF_DOCS_SCREENSHOTS=1 also (small) into docs/."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path))
        if docs and os.environ.get("SOUNDOFF_DOCS_SCREENSHOTS") == "1":
            shrink_into_docs(path, DOCS / f"playground-{name}.png")
        return path


def shrink_into_docs(source: Path, target: Path) -> None:
    """A 1200-pixel-wide PNG with a 256-colour palette: a README screenshot a few hundred KB lighter."""
    from PIL import Image

    with Image.open(source) as image:
        rgb = image.convert("RGB")
        if rgb.width != DOCS_WIDTH:
            rgb = rgb.resize((DOCS_WIDTH, round(rgb.height * DOCS_WIDTH / rgb.width)), Image.Resampling.LANCZOS)
        target.parent.mkdir(parents=True, exist_ok=True)
        rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


async def open_browser() -> AsyncIterator[Browser]:
    """Launch Chromium, yield one page 1200 × 800, close it all."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = await chromium.new_context(viewport={"width": DOCS_WIDTH, "height": 800})
        page = await context.new_page()
        page.set_default_timeout(30_000)
        browser = Browser(page)
        page.on(
            "console",
            lambda message: browser.errors.append(message.text) if _is_error(message.text, message.type) else None,
        )
        page.on("pageerror", lambda error: browser.errors.append(str(error)))
        try:
            yield browser
        finally:
            await chromium.close()


EXPECTED_REFUSAL = re.compile(r"Failed to load resource: the server responded with a status of 4[0-9][0-9]")
"""Chromium logs every 4xx answer; the tests provoke some (a refused vote, a bad brief) and check the page."""


def _is_error(text: str, kind: str) -> bool:
    return kind == "error" and not EXPECTED_REFUSAL.match(text)


def require_browser() -> None:
    """Skip with the reason on a developer's machine; in CI (CI=true) a missing browser fails instead."""
    reason = skip_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)
