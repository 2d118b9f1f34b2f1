from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from zapi import InstanceClient, NumberRegistrationClient, PartnerClient

BASE = "https://api.z-api.io"
INSTANCE_ID = "3C4A2B1D0E9F"
TOKEN = "SECRET-INSTANCE-TOKEN-123"
CLIENT_TOKEN = "SECRET-CLIENT-TOKEN-456"
PARTNER_TOKEN = "SECRET-PARTNER-TOKEN-789"
ACCESS_TOKEN = "SECRET-ACCESS-TOKEN-000"
PREFIX = f"{BASE}/instances/{INSTANCE_ID}/token/{TOKEN}"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that records requests and answers from a queue or a handler."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response | Exception] = []
        self.default = httpx.Response(200, json={"zaapId": "Z1", "messageId": "M1", "id": "M1"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.responses:
            item = self.responses.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        return self.default

    def reply(self, *items: httpx.Response | Exception) -> None:
        self.responses.extend(items)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def http(recorder: Recorder) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(recorder))


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
