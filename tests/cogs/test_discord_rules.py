"""What the real Discord does that the stand-in once glossed over: file-name clean-up and thread refusals."""

from __future__ import annotations

from tests.cogs.conftest import MakeBot, shown, wait_for
from tests.standin import StandIn
from tests.standin.world import Overwrite, Perm

ANNOUNCEMENT_CHANNEL = 5


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


async def test_thread_failures_say_what_went_wrong(standin: StandIn, make_bot: MakeBot) -> None:
    """A missing permission and a channel type that takes no threads get different, accurate messages."""
    bot = await make_bot()
    assert bot.user is not None
    general = standin.scene.general
    general.overwrites.append(Overwrite(bot.user.id, kind=1, deny=Perm.CREATE_PUBLIC_THREADS))
    handle = await standin.slash("cowrite lyrics", {"theme": "salt and cedar"}, member=standin.scene.owner)
    told = await wait_for(lambda: next((m for m in handle.followups if "/revise" in m.content), None))
    assert "Create Public Threads permission" in told.content
    general.overwrites.clear()

    general.type = ANNOUNCEMENT_CHANNEL
    handle = await standin.slash("cowrite lyrics", {"theme": "salt and cedar"}, member=standin.scene.owner)
    told = await wait_for(lambda: next((m for m in handle.followups if "/revise" in m.content), None))
    assert told.content.startswith("Threads can't be opened in this kind of channel.")
    assert "permission" not in told.content


async def test_every_command_is_for_servers_only(standin: StandIn, make_bot: MakeBot) -> None:
    """`contexts` (guild) and `integration_types` (guild install) on every command, not only `dm_permission`."""
    await make_bot()
    listing = standin.core.commands.listing(standin.scene.guild.id)
    assert listing
    assert {c["name"]: (c.get("contexts"), c.get("integration_types")) for c in listing} == {
        c["name"]: ([0], [0]) for c in listing
    }
