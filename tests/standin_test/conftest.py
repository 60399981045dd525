"""The ``probe`` fixture: a ready stock client for tests of the stand-in's own behaviour."""

from __future__ import annotations

import pytest

from tests.standin.fixtures import StartClient
from tests.standin_test.probe import Probe


@pytest.fixture
async def probe(start_client: StartClient) -> Probe:
    """A ready ``Probe`` without the message-content intent."""
    client = Probe()
    await start_client(client)
    return client
