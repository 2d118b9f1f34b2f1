from __future__ import annotations

import httpx
import pytest

from tests.fakes import FakeZapi
from zapi import InstanceClient, NumberRegistrationClient, PartnerClient

BASE = "https://api.z-api.io"
INSTANCE_ID = "3C4A2B1D0E9F"
TOKEN = "SECRET-INSTANCE-TOKEN-123"
CLIENT_TOKEN = "SECRET-CLIENT-TOKEN-456"
PARTNER_TOKEN = "SECRET-PARTNER-TOKEN-789"
ACCESS_TOKEN = "SECRET-ACCESS-TOKEN-000"
PREFIX = f"{BASE}/instances/{INSTANCE_ID}/token/{TOKEN}"


@pytest.fixture
def fake_zapi() -> FakeZapi:
    """The one fake (``tests.fakes``), not installed: these tests hand the client ``http=``."""
    return FakeZapi()


@pytest.fixture
def http(fake_zapi: FakeZapi) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(fake_zapi.handle))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def instance(http: httpx.Client, sleeps: list[float]) -> InstanceClient:
    return InstanceClient(BASE, INSTANCE_ID, TOKEN, CLIENT_TOKEN, http=http, sleep=sleeps.append)


@pytest.fixture
def partner(http: httpx.Client, sleeps: list[float]) -> PartnerClient:
    return PartnerClient(BASE, PARTNER_TOKEN, http=http, sleep=sleeps.append)


@pytest.fixture
def numbers(http: httpx.Client) -> NumberRegistrationClient:
    return NumberRegistrationClient("https://partners.99digital.co.il", ACCESS_TOKEN, http=http)
