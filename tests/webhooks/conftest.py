"""Helpers for posting webhooks the way Z-API does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

FIXTURES = Path(__file__).resolve().parent.parent / "zapi" / "fixtures" / "webhooks"
SPEC_EXAMPLES = sorted(FIXTURES.glob("*.json"))


def spec_example(name: str) -> dict[str, Any]:
    """A webhook example copied from spec 001 (tests/zapi/fixtures/webhooks)."""
    path = next(FIXTURES.glob(f"{name}*.json"))
    return json.loads(path.read_text())


def webhook_path(instance, secret: str | None = None) -> str:
    secret = str(instance.webhook_secret) if secret is None else secret
    return reverse("webhooks:receive", kwargs={"instance_id": instance.pk, "secret": secret})


def post_event(client: Client, instance, data: Any, **kwargs: Any):
    body = data if isinstance(data, (bytes, str)) else json.dumps(data)
    kwargs.setdefault("content_type", "application/json")
    return client.post(webhook_path(instance, kwargs.pop("secret", None)), body, **kwargs)


@pytest.fixture
def webhook_client() -> Client:
    # Z-API sends no cookie and no CSRF token: the receiver must not need them.
    return Client(enforce_csrf_checks=True)


CLOSED_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker (a closed port: "down")."""
    from config.celery import app

    def use(url: str) -> None:
        # Drop the app's references only: kombu's global pools are shared per URL.
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    use(url)
    try:
        yield
    finally:
        use(saved)


@pytest.fixture
def broker_down() -> Iterator[None]:
    with broker_at(CLOSED_BROKER):
        yield
