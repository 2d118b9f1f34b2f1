"""Fixtures for messaging: a connected number with a fast pace. Z-API is ``fake_zapi``
(``tests.fakes.FakeZapi`` at the transport) for unit tests that need an exact request."""

from __future__ import annotations

import pytest

from instances.models import ConnectionState
from messaging.pacer import pacer_get
from tests.factories import InstanceFactory


@pytest.fixture
def connected(partner):
    instance = InstanceFactory(
        partner=partner, name="Sales 1", connection_state=ConnectionState.CONNECTED
    )
    pacer = pacer_get(instance_id=instance.pk)
    pacer.min_gap_seconds = pacer.max_gap_seconds = 0
    pacer.save()
    return instance
