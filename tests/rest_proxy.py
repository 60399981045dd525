"""A shared Discord REST rate-limit proxy for the tests: @discordjs/proxy (tools/rest-proxy) as a Node subprocess.

``scripts/install-rest-proxy`` installs it (``make test`` does, through ``scripts/with-test-services``). Without
Node or ``tools/rest-proxy/node_modules`` the tests that need it skip, saying so; under ``CI=true`` they fail.
Import the fixture where it is used: ``from tests.rest_proxy import start_rest_proxy  # noqa: F401``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.postgres import in_ci
from tests.standin import StandIn

PROXY_DIR = Path(__file__).resolve().parents[1] / "tools" / "rest-proxy"
STARTUP_SECONDS = 15.0


def skip_reason() -> str | None:
    """Why the proxy cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed: scripts/install-rest-proxy installs Debian's nodejs and the proxy"
    if not (PROXY_DIR / "node_modules" / "@discordjs" / "proxy").is_dir():
        return "tools/rest-proxy/node_modules is missing: run scripts/install-rest-proxy (make test does)"
    return None


def require_rest_proxy() -> None:
    """Skip with the reason on a developer's machine; in CI (CI=true) a missing proxy fails instead."""
    reason = skip_reason()
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI must run the REST proxy tests: {reason}")
    pytest.skip(reason)


@dataclass
class RestProxy:
    """A running proxy: point discord.py's REST base at ``api_base_url``; ``report`` is filled once it stopped."""

    process: asyncio.subprocess.Process
    port: int
    stderr: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    async def stop(self) -> dict[str, Any]:
        """Stop the proxy; what it did: ``forwarded`` upstream, ``heldBack`` (waits for a limit), ``upstream429``."""
        if self.process.returncode is None:
            self.process.terminate()
            assert self.process.stdout is not None
            out = await asyncio.wait_for(self.process.stdout.read(), 10)
            await asyncio.wait_for(self.process.wait(), 10)
            lines = out.decode().strip().splitlines()
            if lines:
                self.report = json.loads(lines[-1])
        return self.report


class StartRestProxy(Protocol):
    async def __call__(self, *, per_second: int) -> RestProxy: ...


async def _drain(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode().rstrip())


@pytest.fixture
async def start_rest_proxy(standin: StandIn) -> AsyncIterator[StartRestProxy]:
    """``await start_rest_proxy(per_second=N)``: the proxy in front of the stand-in, N requests a second in all."""
    require_rest_proxy()
    started: list[tuple[RestProxy, asyncio.Task[None]]] = []

    async def start(*, per_second: int) -> RestProxy:
        process = await asyncio.create_subprocess_exec(
            "node",
            str(PROXY_DIR / "server.mjs"),
            "0",
            "--upstream",
            f"{standin.base_url}/api",
            "--global-per-second",
            str(per_second),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        assert process.stderr is not None
        stderr: list[str] = []
        drain = asyncio.create_task(_drain(process.stderr, stderr), name="rest-proxy-stderr")
        try:
            line = (await asyncio.wait_for(process.stdout.readline(), STARTUP_SECONDS)).decode().strip()
        except TimeoutError:
            line = ""
        if not line.startswith("listening http://"):
            process.kill()
            await process.wait()
            await drain
            raise AssertionError(f"the REST proxy did not start ({line!r}):\n" + "\n".join(stderr))
        proxy = RestProxy(process, int(line.rsplit(":", 1)[1]), stderr)
        started.append((proxy, drain))
        return proxy

    yield start
    for proxy, drain in started:
        with contextlib.suppress(ProcessLookupError):
            await proxy.stop()
        await drain
    errors = [line for proxy, _ in started for line in proxy.stderr]
    if errors:
        pytest.fail("the REST proxy wrote to stderr:\n" + "\n".join(errors), pytrace=False)
