from __future__ import annotations

import pytest

from tests.instances.fakes import FakeZapi, install, uninstall


@pytest.fixture
def fake_zapi():
    """Z-API answered in memory at the transport (``httpx.MockTransport``)."""
    fake = FakeZapi()
    install(fake)
    yield fake
    uninstall()
