"""End to end through the stand-in: a member's sung voice message (a real OGG Opus recording, flagged as a voice
message with its duration and waveform) submitted as a revision becomes a melody version."""

from __future__ import annotations

import base64

from tests.cogs.conftest import MakeBot, shown, wait_for
from tests.songwriting.music.sung_corpus import RATE, melody_case, ogg_opus
from tests.standin import StandIn, Upload


async def test_a_sung_voice_message_submitted_as_a_revision_becomes_a_melody_version(
    standin: StandIn, make_bot: MakeBot
) -> None:
    await make_bot()
    handle = await standin.slash("cowrite lyrics", {"theme": "harbour lights"}, member=standin.scene.owner)
    draft = await shown(handle, lambda m: m.embeds)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
    sung = melody_case(1, 12)
    recording = Upload(
        "voice-message.ogg",
        ogg_opus(sung.samples),
        content_type="audio/ogg",
        duration_secs=round(len(sung.samples) / RATE, 2),
        waveform=base64.b64encode(bytes(range(0, 256, 4))).decode(),
    )
    post = await standin.post(thread, attachments=[recording], author=standin.scene.member)
    assert post.flags & 8192
    submitted = await standin.message_command("Submit as revision", post, member=standin.scene.member)
    saved = await shown(submitted, lambda m: "Saved as v2" in m.content, within=60)
    assert saved.ephemeral
    version = await wait_for(
        lambda: next((m for m in standin.messages(thread) if "confidence" in str(m.embeds) + m.content), None),
        within=30,
    )
    assert "transcribed" in str(version.embeds) + version.content
    assert any(a.filename.endswith(".mid") for a in version.attachments)
