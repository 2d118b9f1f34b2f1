"""Faults per instance: latency, a share of 5xx and of 429 on the API; webhooks dropped,
duplicated, and status webhooks out of order (that one live, with a worker)."""

from __future__ import annotations

import time

import pytest

from sandbox.models import SandboxWebhook
from sandbox.services import inbound_message, instance_tune
from tests.sandbox.conftest import client_for
from zapi import RateLimitedError, ServerError

pytestmark = pytest.mark.django_db


def _tune(instance, **faults):
    return instance_tune(instance=instance, faults=faults)


def test_added_latency(sbx, wsgi_http):
    _tune(sbx, latency_ms=300)
    started = time.monotonic()
    client_for(sbx, wsgi_http).status()
    assert time.monotonic() - started >= 0.3


def test_a_share_of_server_errors(sbx, wsgi_http):
    _tune(sbx, error_share=1.0)
    with pytest.raises(ServerError) as caught:
        client_for(sbx, wsgi_http).status()
    assert caught.value.status_code == 500


def test_a_share_of_rate_limits_with_retry_after(sbx, wsgi_http):
    _tune(sbx, rate_limit_share=1.0)
    with pytest.raises(RateLimitedError) as caught:
        client_for(sbx, wsgi_http).status()
    assert (caught.value.status_code, caught.value.retry_after) == (429, 1.0)


def test_the_client_retries_a_rate_limited_read(sbx, wsgi_http):
    _tune(sbx, rate_limit_share=1.0)
    slept: list[float] = []
    client = client_for(sbx, wsgi_http, max_retries=2, sleep=slept.append)
    with pytest.raises(RateLimitedError):
        client.status()
    assert slept == [1.0, 1.0]


def test_faults_off_by_default(sbx, wsgi_http):
    for _ in range(20):
        assert client_for(sbx, wsgi_http).status().connected


def _hooked(instance):
    instance.webhooks = {"received": "https://hooks.example.com/r"}
    instance.save()
    return instance


def test_dropped_webhooks_are_never_sent(sbx, django_capture_on_commit_callbacks):
    sbx = _tune(_hooked(sbx), drop_share=1.0)
    with django_capture_on_commit_callbacks() as callbacks:
        inbound_message(instance=sbx, phone="5511977776666", content={"text": {"message": "x"}})
    assert list(SandboxWebhook.objects.values_list("state", flat=True)) == ["dropped"]
    assert callbacks == []


def test_duplicated_webhooks_are_sent_twice(sbx, django_capture_on_commit_callbacks):
    sbx = _tune(_hooked(sbx), duplicate_share=1.0)
    with django_capture_on_commit_callbacks() as callbacks:
        inbound_message(instance=sbx, phone="5511977776666", content={"text": {"message": "x"}})
    rows = list(SandboxWebhook.objects.all())
    assert len(rows) == 2 and rows[0].payload == rows[1].payload
    assert len(callbacks) == 2
