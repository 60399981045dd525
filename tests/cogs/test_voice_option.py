"""/cowrite song's ``voice:`` option through the real client and the stand-in: the attached MIDI's melody lies in
the singer's range (SPEC §9)."""

from __future__ import annotations

import io

import mido

from bot.songwriting.music.voices import RANGES, Voice
from tests.cogs.conftest import MakeBot, shown
from tests.standin import StandIn


async def test_a_baritone_gets_a_tune_in_a_baritone_range(standin: StandIn, make_bot: MakeBot) -> None:
    await make_bot()
    handle = await standin.slash(
        "cowrite song", {"theme": "harbour lights", "voice": "baritone", "seed": 3}, member=standin.scene.owner
    )
    draft = await shown(handle, lambda m: m.embeds and m.attachments)
    midi = next(data for name, data in standin.files(draft).items() if name.endswith(".mid"))
    track = mido.MidiFile(file=io.BytesIO(midi)).tracks[1]
    pitches = [m.note for m in track if m.type == "note_on" and m.velocity]
    span = RANGES[Voice.BARITONE]
    assert pitches
    assert span.low <= min(pitches)
    assert max(pitches) <= span.high
