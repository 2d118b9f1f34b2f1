"""Webhook URLs skip the browser's middleware (webhooks/middleware.py); nothing else does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.webhooks.conftest import post_event, spec_example, webhook_path
from webhooks import middleware, views
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def stack_calls(monkeypatch):
    """The paths of the requests that reached a middleware below the shortcut (CSP's)."""
    from csp.middleware import CSPMiddleware

    calls = []
    original = CSPMiddleware.__call__

    def spy(self, request):
        calls.append(request.path)
        return original(self, request)

    monkeypatch.setattr(CSPMiddleware, "__call__", spy)
    return calls


def test_a_webhook_is_stored_without_the_browser_stack(webhook_client, instance, stack_calls):
    response = post_event(webhook_client, instance, spec_example("l13106_messagestatus_sent"))
    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert stack_calls == []
    # No browser headers and no session for a machine's POST; SecurityMiddleware (before the
    # shortcut) still answers with its own.
    assert "Content-Security-Policy" not in response.headers
    assert "sessionid" not in response.cookies
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_wrong_secret_is_still_a_bare_404(webhook_client, instance, stack_calls):
    response = webhook_client.post(
        webhook_path(instance, secret="wrong"), b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert stack_calls == []
    assert not WebhookEvent.objects.exists()


def test_an_unknown_webhook_url_takes_the_whole_stack(webhook_client, stack_calls):
    response = webhook_client.get("/webhooks/not-a-number/")
    # Answered as any unknown page is (the stack sends a visitor to log in first).
    assert response.status_code == webhook_client.get("/not-a-page/").status_code
    assert stack_calls == ["/webhooks/not-a-number/", "/not-a-page/"]
    assert "Content-Security-Policy" in response.headers


def test_pages_keep_the_whole_stack(client, stack_calls):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert stack_calls == [reverse("admin:login")]
    assert "Content-Security-Policy" in response.headers


def test_the_receiver_and_bare_are_marked_and_the_prefix_comes_from_the_urlconf():
    assert views.receive.machine_endpoint and views.bare.machine_endpoint
    assert middleware.WebhookShortcutMiddleware(lambda r: None).prefix == "/webhooks/"
