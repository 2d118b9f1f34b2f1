"""Explicit, split timeouts and one pooled client per process."""

import os

import httpx

from zapi import InstanceClient, transport


def test_default_timeout_sets_every_phase_explicitly():
    t = transport.DEFAULT_TIMEOUT
    assert (t.connect, t.read, t.write, t.pool) == (5.0, 30.0, 30.0, 5.0)
    assert t.connect < t.read


def test_shared_client_is_one_per_process_and_uses_the_timeouts():
    transport.close_shared_http_client()
    first = transport.shared_http_client()
    assert transport.shared_http_client() is first
    assert first.timeout == transport.DEFAULT_TIMEOUT
    transport.close_shared_http_client()
    assert first.is_closed


def test_shared_client_is_recreated_after_fork(monkeypatch):
    transport.close_shared_http_client()
    first = transport.shared_http_client()
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert transport.shared_http_client() is not first
    monkeypatch.undo()
    transport.close_shared_http_client()
    first.close()


def test_clients_use_the_shared_client_unless_given_one():
    transport.close_shared_http_client()
    client = InstanceClient("https://api.z-api.io", "I", "T")
    assert client.http is transport.shared_http_client()
    transport.close_shared_http_client()


def test_a_custom_timeout_is_passed_per_request():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.extensions["timeout"])
        return httpx.Response(200, json={"connected": True})

    timeout = httpx.Timeout(connect=1.0, read=2.0, write=3.0, pool=4.0)
    client = InstanceClient(
        "https://api.z-api.io",
        "I",
        "T",
        http=httpx.Client(transport=httpx.MockTransport(handler)),
        timeout=timeout,
    )
    client.status()
    assert seen == {"connect": 1.0, "read": 2.0, "write": 3.0, "pool": 4.0}
