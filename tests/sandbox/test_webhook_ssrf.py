"""The sandbox posts webhooks only where a Z-API could (issue 11, finding 9): never to
link-local or metadata addresses, and to private ones only where that is allowed."""

from __future__ import annotations

import pytest

from sandbox.webhooks import webhook_url_error

METADATA = "http://169.254.169.254/latest/meta-data/"


@pytest.mark.parametrize(
    "url", [METADATA, "https://169.254.169.254/x", "http://[fe80::1]/x", "http://0.0.0.0/x"]
)
def test_link_local_and_unspecified_addresses_are_never_webhook_urls(url, settings):
    settings.SANDBOX_WEBHOOK_ALLOW_PRIVATE = True
    assert webhook_url_error(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/webhooks/1/s/", "https://10.0.0.5/hook", "http://localhost/x"]
)
def test_private_addresses_only_where_allowed(url, settings):
    settings.SANDBOX_WEBHOOK_ALLOW_PRIVATE = True
    assert webhook_url_error(url) is None
    settings.SANDBOX_WEBHOOK_ALLOW_PRIVATE = False
    assert webhook_url_error(url)


def test_a_public_https_url_is_fine(settings):
    settings.SANDBOX_WEBHOOK_ALLOW_PRIVATE = False
    assert webhook_url_error("https://fleet.example.com/webhooks/1/s/") is None
