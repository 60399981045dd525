"""The playground in a real browser (headless Chromium): the whole loop a newcomer plays, media, escaping.

Each test serves the playground on 127.0.0.1 in the test's event loop and drives Chromium with Playwright.
Screenshots go to test-artifacts/playground/; ``SOUNDOFF_DOCS_SCREENSHOTS=1`` also refreshes the README's two
(docs/playground-draft.png, docs/playground-results.png).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from bot.playground.app import build_app
from bot.services import Services
from bot.workshop.workshop import Workshop
from tests.playground.browser import Browser, open_browser, require_browser

pytestmark = pytest.mark.timeout(90)

PLAYABLE = """() => {
    const audio = document.querySelector('#posts audio.preview');
    return audio && audio.readyState >= 1 && audio.duration > 0 && audio.canPlayType('audio/ogg; codecs=opus') !== '';
}"""
"""The draft's player has read its OGG Opus preview: a length, and a codec this browser plays."""
XSS = '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'


@pytest.fixture
async def site(playground_services: Services) -> AsyncIterator[str]:
    """The playground's URL, served by aiohttp on loopback."""
    server = TestServer(build_app(Workshop(playground_services)), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/"))
    await server.close()


@pytest.fixture
async def browser(site: str) -> AsyncIterator[Browser]:
    """A Chromium page; it closes before the server does, so a dropped event stream is no error of the page."""
    require_browser()
    async for opened in open_browser():
        yield opened
        assert opened.errors == [], "the page logged errors"


async def _open(browser: Browser, site: str) -> None:
    await browser.page.goto(site)
    await browser.page.wait_for_selector("body[data-ready=true]")


async def _act_as(browser: Browser, member: str) -> None:
    await browser.page.select_option("#member", member)


async def _draft(browser: Browser, theme: str, *, what: str = "song", seed: int = 7) -> None:
    page = browser.page
    await page.select_option("#brief-what", what)
    await page.fill("#brief-theme", theme)
    await page.click("details.options summary")
    await page.fill("input[name=seed]", str(seed))
    await page.click("#brief-submit")
    await page.wait_for_selector("#posts [data-key='song-1']", timeout=60_000)


async def _revise(browser: Browser, number: int, edit: str, *, expect: int) -> None:
    """Open Revise under ``v<number>`` in the thread, let ``edit`` rewrite the first lyric line, save."""
    page = browser.page
    await page.click(f"#panel [data-key='v{number}'] button[data-action=revise]")
    editor = page.locator(f"#panel [data-key='v{number}'] textarea.lyrics-editor")
    body = await editor.input_value()
    lines = body.split("\n")
    first = next(i for i, line in enumerate(lines) if line and not line.startswith("["))
    lines[first] = edit
    await editor.fill("\n".join(lines))
    await page.click(f"#panel [data-key='v{number}'] .revise-form button[type=submit]")
    await page.wait_for_selector(f"#panel [data-key='v{expect}']", timeout=30_000)


async def _vote(browser: Browser, member: str, label: str) -> str:
    page = browser.page
    await _act_as(browser, member)
    # The last voter's private note may still be on the ballot: clear it, so the note read is this vote's answer.
    await page.evaluate("document.querySelectorAll('#posts article.soundoff .ephemeral').forEach(n => n.remove())")
    await page.click(f"#posts article.soundoff button.vote[data-label={label}]")
    note = page.locator("#posts article.soundoff .ephemeral")
    await note.wait_for()
    return await note.inner_text()


async def test_the_whole_loop(browser: Browser, site: str) -> None:
    """Draft, two members revise, a blind sound-off, votes cast and changed, closed early, results and stats."""
    page = browser.page
    await page.set_viewport_size({"width": 1200, "height": 1050})  # the draft's score and player in one screenshot
    await _open(browser, site)
    await _draft(browser, "rain on the night bus home")
    draft = page.locator("#posts [data-key='song-1']")
    assert "AI draft · v1 · offline writer · seed 7" in await draft.locator(".embed-footer").inner_text()
    assert await draft.locator(".prosody .line").count() >= 8
    await page.wait_for_function(
        "() => { const i = document.querySelector('#posts img.score'); return i && i.complete && i.naturalWidth > 0 }"
    )
    await page.wait_for_function(PLAYABLE)
    await browser.screenshot("draft", docs=True)

    await page.click("#posts .thread-chip")
    await page.wait_for_selector("#panel [data-key='v1']")
    await _act_as(browser, "ana")
    await _revise(browser, 1, "I write your name across the fogged-up glass", expect=2)
    v2 = await page.locator("#panel [data-key='v2'] .embed").inner_text()
    assert "v2 by Ana, from v1" in v2
    assert "Melody carried from v1; line 1 re-set to the new words." in v2
    assert await page.locator("#panel [data-key='v2'] audio.preview").count() == 1
    await _act_as(browser, "ben")
    await _revise(browser, 2, "The driver hums along to every stop", expect=3)
    assert "Ben used Revise" in await page.locator("#panel [data-key='v3']").inner_text()

    await _act_as(browser, "you")
    await page.click("#panel [data-key='v3'] button[data-action=soundoff]")
    await page.click("#panel .soundoff-form button[type=submit]")
    ballot = page.locator("#posts article.soundoff")
    await ballot.wait_for(timeout=30_000)
    assert "0 votes so far" in await ballot.inner_text()
    assert await ballot.locator(".embed-title").all_inner_texts() == ["Option A", "Option B", "Option C"]
    assert await ballot.locator("audio.preview").count() == 3, "every option is heard, the members' too"
    shown = await ballot.inner_text()
    for named in ("by Ana", "by Ben", "AI draft"):
        assert named not in shown, "a blind ballot names nobody"

    assert (await _vote(browser, "ana", "A")).startswith("Only you can see this\nYou voted A")
    await _vote(browser, "ben", "B")
    assert "You changed your vote from A to B" in await _vote(browser, "ana", "B")
    await _vote(browser, "cleo", "A")
    await page.wait_for_selector("#posts article.soundoff .vote-count:has-text('3 votes so far')")
    assert await ballot.locator(".tally").count() == 0, "tallies stay hidden while it is open"

    await _act_as(browser, "ana")
    await page.click("#posts article.soundoff button.end")
    refusal = await page.locator("#posts article.soundoff .ephemeral.error").inner_text()
    assert "Only the song's owner or a moderator can end this sound-off." in refusal
    await _act_as(browser, "you")
    await page.click("#posts article.soundoff button.end")
    results = page.locator("#posts article.results")
    await results.wait_for()
    text = await results.inner_text()
    assert "Sound-off results · 3 votes" in text
    assert "Option B wins by 1 vote." in text
    assert re.search(r"The AI wrote option [ABC] \(AI draft\)\.", text)
    await page.wait_for_function(
        "() => { const i = document.querySelector('#posts img.chart'); return i && i.complete && i.naturalWidth > 0 }"
    )
    await page.click("#stats-button")
    await page.wait_for_selector("#panel .stats")
    # The figures arrive after the frame, and a feed event may redraw the panel once more: wait for them to show.
    await page.locator("#panel", has_text="1 held").wait_for(timeout=10_000)
    await page.click("#panel button.close")
    await ballot.evaluate("node => node.scrollIntoView({block: 'start'})")  # the closed ballot, then its results
    await browser.screenshot("results", docs=True)


async def test_a_script_in_a_revision_stays_text(browser: Browser, site: str) -> None:
    """Lyrics are members' text: markup in a theme or a revision is shown as typed and never runs."""
    page = browser.page
    await _open(browser, site)
    await _draft(browser, f"a song about {XSS}"[:200], what="lyrics")
    await page.click("#posts .thread-chip")
    await _revise(browser, 1, XSS, expect=2)
    revision = page.locator("#panel [data-key='v2']")
    assert XSS in await revision.inner_text()
    assert await page.evaluate("window.__pwned") is None
    assert await page.locator("#posts script, #panel script, img[src='x']").count() == 0
    await browser.screenshot("escaped")


async def test_bad_input_is_answered_inline_and_nothing_is_lost(browser: Browser, site: str) -> None:
    """A bad key and an unchanged revision get the workshop's sentences beside the form, which keeps the text."""
    page = browser.page
    await _open(browser, site)
    await page.fill("#brief-theme", "salt on the harbour wall")
    await page.click("details.options summary")
    await page.fill("input[name=key]", "H major")
    await page.click("#brief-submit")
    error = page.locator("#brief-error")
    await error.wait_for()
    assert (await error.inner_text()).startswith("That doesn't work:")
    assert await page.input_value("#brief-theme") == "salt on the harbour wall"

    await page.fill("input[name=key]", "")
    await page.select_option("#brief-what", "lyrics")
    await page.click("#brief-submit")
    await page.wait_for_selector("#posts [data-key='song-1']")
    await page.click("#posts .thread-chip")
    await page.click("#panel [data-key='v1'] button[data-action=revise]")
    await page.click("#panel .revise-form button[type=submit]")
    refusal = page.locator("#panel .revise-form .form-error")
    await refusal.wait_for()
    assert "That's identical to v1, so nothing was saved." in await refusal.inner_text()
    assert await page.locator("#panel textarea.lyrics-editor").input_value() != ""


async def test_remix_notes_and_new_melody(browser: Browser, site: str) -> None:
    """The bot's buttons in the playground: New melody (its buttons off while it runs, the post naming who asked),
    Remix from the prefilled brief, Notes shown privately then posted; an instrumental without a theme."""
    page = browser.page
    await _open(browser, site)
    await _draft(browser, "rain on the night bus home")
    await page.click("#posts .thread-chip")
    v1 = page.locator("#panel [data-key='v1']")
    await v1.wait_for()
    actions = await v1.locator(".actions button").all_inner_texts()
    assert "New melody" in actions
    assert "Remix" in actions
    assert "Add melody" not in actions
    assert "Notes" not in actions  # Notes sit under members' versions

    await v1.locator("button[data-action=newmelody]").click()
    # no second click while it runs: the version's buttons are off until the new version is posted
    await page.wait_for_selector("#panel [data-key='v1'] button[data-action=regenerate]:disabled", timeout=10_000)
    await page.wait_for_selector("#panel [data-key='v2']", timeout=60_000)
    assert "A new melody for v1, asked by You" in await page.locator("#panel [data-key='v2'] .embed").inner_text()
    assert await v1.locator("button[data-action=regenerate]").is_enabled()

    await v1.locator("button[data-action=remix]").click()
    form = v1.locator(".remix-form")
    assert await form.locator("input[name=theme]").input_value() == "rain on the night bus home"
    await form.locator("input[name=mood]").fill("defiant")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("#panel [data-key='v3']", timeout=60_000)
    remix = await page.locator("#panel [data-key='v3'] .embed").inner_text()
    assert "A remix of v1, asked by You" in remix
    assert "Remixed from v1: mood — → defiant." in remix

    await _act_as(browser, "ana")
    await _revise(browser, 1, "I write your name across the fogged-up glass", expect=4)
    v4 = page.locator("#panel [data-key='v4']")
    await v4.locator("button[data-action=notes]").click()
    box = v4.locator(".notes-box")
    await box.wait_for()
    assert "Only you can see this" in await box.inner_text()
    assert "Notes on v4" in await box.inner_text()
    await box.locator("button", has_text="Post in thread").click()
    await page.locator("#panel [data-key='v4'] .notes", has_text="asked for by Ana").wait_for(timeout=10_000)

    await page.click("#panel button.close")
    await page.select_option("#brief-what", "instrumental")
    await page.fill("#brief-theme", "")
    await page.click("#brief-submit")
    await page.wait_for_selector("#posts [data-key='song-2']", timeout=60_000)
    assert await page.locator("#brief-error").inner_text() == ""
