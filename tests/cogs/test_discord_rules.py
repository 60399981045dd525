"""Attachment names the real Discord keeps: ASCII, so the inline score and player survive its clean-up."""

from __future__ import annotations

from tests.cogs.conftest import MakeBot, shown
from tests.standin import StandIn


async def test_a_title_in_another_script_keeps_its_inline_score(standin: StandIn, make_bot: MakeBot) -> None:
    """A Cyrillic title gives ASCII file names; the embed's attachment:// image names one of them; the title stays."""
    await make_bot()
    handle = await standin.slash("cowrite song", {"theme": "Дождь над ночным автобусом"}, member=standin.scene.owner)
    draft = await shown(handle, lambda m: m.embeds and m.attachments)
    names = list(standin.files(draft))
    assert all(name.isascii() for name in names), names
    image = draft.embeds[0]["image"]["url"]
    assert image.startswith("attachment://")
    assert image.removeprefix("attachment://") in names
    assert any(name.endswith(".ogg") for name in names)
    assert not draft.embeds[0]["title"].isascii()  # the real title stays in the embed
