"""Fixtures for messaging: a connected number with a fast pace, and Z-API mocked at the
transport (httpx.MockTransport) for unit tests that need an exact request or a given error."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
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


@dataclass
class ZapiMock:
    """Answers every request with ``handler``; keeps what was sent."""

    handler: Callable[[httpx.Request], httpx.Response] | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    def accept(self, request: httpx.Request) -> httpx.Response:
        """Z-API's answer to a send: fresh ids each time (Z1/M1, Z2/M2...)."""
        n = len(self.requests)
        return httpx.Response(200, json={"zaapId": f"Z{n}", "messageId": f"M{n}", "id": f"M{n}"})

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests if r.content]

    def paths(self) -> list[str]:
        return [r.url.path.split("/token/", 1)[1].split("/", 1)[1] for r in self.requests]


@pytest.fixture
def zapi_mock(monkeypatch) -> Iterator[ZapiMock]:
    mock = ZapiMock()

    def handle(request: httpx.Request) -> httpx.Response:
        mock.requests.append(request)
        return (mock.handler or mock.accept)(request)

    client = httpx.Client(transport=httpx.MockTransport(handle))
    monkeypatch.setattr("zapi.clients.base.shared_http_client", lambda: client)
    yield mock
    client.close()
