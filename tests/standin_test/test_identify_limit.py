"""Discord's session-start limit on the stand-in's gateway: one IDENTIFY per bucket per interval, else op 9."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.standin import StandIn
from tests.standin.fixtures import StartClient
from tests.standin_test.probe import Probe
from tests.standin_test.raw import call

SHARD_COUNT = 4


async def _identify(standin: StandIn, shard_id: int) -> dict[str, Any]:
    """Open a raw gateway connection, IDENTIFY as ``shard_id`` of ``SHARD_COUNT`` and return the answer's frame."""
    payload = {"token": standin.token, "intents": 1, "properties": {}, "shard": [shard_id, SHARD_COUNT]}
    async with aiohttp.ClientSession() as session, session.ws_connect(standin.gateway_url) as ws:
        hello = json.loads((await ws.receive(timeout=5)).data)
        assert hello["op"] == 10
        await ws.send_str(json.dumps({"op": 2, "d": payload}))
        answer: dict[str, Any] = json.loads((await ws.receive(timeout=5)).data)
        return answer


async def test_gateway_bot_reports_the_configured_concurrency(standin: StandIn) -> None:
    """``session_start_limit.max_concurrency`` is the application's, as discord.py's start-limit call reads it."""
    standin.world.application.max_concurrency = 16
    answer = await call(standin, "GET", "/gateway/bot")
    assert answer.body["session_start_limit"] == {
        "total": 1000,
        "remaining": 1000,
        "reset_after": 0,
        "max_concurrency": 16,
    }


async def test_a_second_identify_in_a_bucket_too_soon_is_refused_but_another_bucket_is_not(standin: StandIn) -> None:
    """Buckets are shard % max_concurrency: shard 2 after shard 0 (bucket 0) is refused, shard 1 (bucket 1) starts."""
    standin.world.application.max_concurrency = 2
    standin.gateway.identify_interval = 5.0
    first = await _identify(standin, 0)
    too_soon = await _identify(standin, 2)
    other_bucket = await _identify(standin, 1)
    assert (first["t"], too_soon, other_bucket["t"]) == ("READY", {"op": 9, "d": False}, "READY")
    assert standin.gateway.identify_refusals == 1
    assert [(i.shard[0], i.bucket, i.refused) for i in standin.gateway.identifies] == [
        (0, 0, False),
        (2, 0, True),
        (1, 1, False),
    ]
    assert sorted(s.shard[0] for s in standin.gateway.sessions.values()) == [0, 1]


async def test_the_bucket_opens_again_once_the_interval_has_passed(standin: StandIn) -> None:
    """A refused IDENTIFY does not restart the bucket's clock: after the interval the same shard starts."""
    standin.gateway.identify_interval = 5.0
    await _identify(standin, 0)
    assert (await _identify(standin, 1))["op"] == 9
    standin.world.clock.advance(5.0)
    assert (await _identify(standin, 1))["t"] == "READY"
    assert standin.gateway.identify_refusals == 1


async def test_the_limit_is_off_unless_a_test_sets_it(standin: StandIn) -> None:
    """By default back-to-back IDENTIFYs all start sessions, so restarts and re-identifies in other tests pass."""
    for shard_id in range(SHARD_COUNT):
        assert (await _identify(standin, shard_id))["t"] == "READY"
    assert standin.gateway.identify_refusals == 0


async def test_discord_py_identifies_again_after_a_refusal(standin: StandIn, start_client: StartClient) -> None:
    """A stock client refused once re-IDENTIFYs after op 9 and gets its session, as against Discord."""
    standin.gateway.identify_interval = 0.2
    await _identify(standin, 0)
    client = await start_client(Probe())  # re-identifies at once: refused until the 0.2 s have passed
    assert client.is_ready()
    assert standin.gateway.identify_refusals >= 1
    assert standin.gateway.identifies[-1].refused is False
