"""Processes started together on a cue: each connects, says "ready", and all are told "go" at the same moment.

Races across real processes (storage claims, migrations, the scale bench) only prove something when the
contenders really overlap, so none starts its work before every one is connected.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def started_together(commands: list[list[str]]) -> Iterator[list[subprocess.Popen[str]]]:
    """Start every command, wait for each one's "ready" line, then cue them all; killed on the way out."""
    processes = [
        subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for command in commands
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        yield processes
    finally:
        for process in processes:
            process.kill()
            process.wait()
