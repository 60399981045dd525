"""``soundoff sketch`` with an OpenAI-compatible server: the LLM writes the lyrics, or the studio falls back."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.openai_server import OpenAIServer, Reply

LINES = ["We drive into the night", "The road is burning bright", "The radio is low", "And nowhere else to go"]
GOOD = {"title": "Night Drive", "sections": [{"label": "Verse 1", "lines": LINES}]}


async def _sketch(server: OpenAIServer, out: Path, **settings: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DISCORD_", "SOUNDOFF_"))}
    env |= {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test-studio", "OPENAI_MODEL": "test-model"}
    env |= settings
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sketch",
        "night drive",
        "--form",
        "verse",
        "--rhyme",
        "AABB",
        "--syllables",
        "6",
        "--seed",
        "5",
        "--out",
        str(out),
        env=env,
        cwd=out.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
    return process.returncode or 0, output.decode()


async def test_llm_writes_the_lyrics(openai_server: OpenAIServer, tmp_path: Path) -> None:
    """With OPENAI_BASE_URL set, the model's lyrics are used and credited to the model."""
    openai_server.script(Reply.json(GOOD))
    code, output = await _sketch(openai_server, tmp_path / "out")
    assert code == 0, output
    song = json.loads((tmp_path / "out" / "song.json").read_text())
    assert song["writer"] == "test-model"
    assert song["sections"][0]["lines"] == LINES
    assert "sk-test-studio" not in output


async def test_failing_server_falls_back_and_says_so(openai_server: OpenAIServer, tmp_path: Path) -> None:
    """With the server failing, the offline writer writes the lyrics and the output says why."""
    openai_server.script(*[Reply.failing(500)] * 6)
    code, output = await _sketch(openai_server, tmp_path / "out")
    assert code == 0, output
    song = json.loads((tmp_path / "out" / "song.json").read_text())
    assert song["writer"] == "offline writer"
    assert "; the offline writer wrote this draft." in output
    assert len(openai_server.requests) >= 2


async def test_the_deadline_setting_bounds_the_lyrics(openai_server: OpenAIServer, tmp_path: Path) -> None:
    """SOUNDOFF_LLM_DEADLINE=1 and SOUNDOFF_LLM_TIMEOUT=0.5 hold against a hanging server: the lyrics step
    gives up in about a second, and song.json says why the offline writer wrote them."""
    openai_server.script(*[Reply.slow(30)] * 10)
    code, output = await _sketch(openai_server, tmp_path / "out", SOUNDOFF_LLM_DEADLINE="1", SOUNDOFF_LLM_TIMEOUT="0.5")
    assert code == 0, output
    seconds = float(next(line for line in output.splitlines() if line.startswith("lyrics")).split()[1])
    assert seconds < 2.5, output
    song = json.loads((tmp_path / "out" / "song.json").read_text())
    assert song["writer"] == "offline writer"
    assert song["fallback"] == "The LLM timed out"


async def test_song_json_says_why_a_draft_fell_back(openai_server: OpenAIServer, tmp_path: Path) -> None:
    """A model draft under the quality floor is named in song.json's fallback."""
    half = {"title": "Night Drive", "sections": [{"label": "Verse 1", "lines": LINES[:2]}]}
    openai_server.script(Reply.json(half), Reply.json(half))
    code, output = await _sketch(openai_server, tmp_path / "out")
    assert code == 0, output
    song = json.loads((tmp_path / "out" / "song.json").read_text())
    assert song["fallback"] == "The model's draft had 2 of 4 lines in Verse 1"
    assert "had 2 of 4 lines in Verse 1; the offline writer wrote this draft." in output
