"""Secrets are masked in repr, in the admin, in the API and in logs."""

import logging
import os

import pytest

from core.logging import RedactSecretsFilter, redact
from core.secrets import Secret, mask
from instances.models import Instance
from tests.factories import InstanceFactory

TOKEN = "F0E1D2C3B4A5968778695A4B3C2D1E0F"


def test_mask_shows_only_the_last_four_characters():
    assert mask(TOKEN) == "••••1E0F"
    assert mask("short") == "••••"
    assert mask("") == ""


def test_secret_repr_is_masked_but_str_is_the_value():
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret)
    assert f"{secret}" == TOKEN


@pytest.mark.django_db
def test_loaded_instance_tokens_are_masked_in_repr(partner):
    instance = Instance.objects.get(pk=InstanceFactory(partner=partner, token=TOKEN).pk)
    assert TOKEN not in repr(instance.token)
    assert TOKEN not in repr(vars(instance))


@pytest.mark.django_db
def test_admin_pages_never_show_the_token(staff_client, partner):
    instance = InstanceFactory(partner=partner, token=TOKEN, client_token=TOKEN[::-1])
    for url in ("/instances/instance/", f"/instances/instance/{instance.pk}/change/"):
        body = staff_client.get(url).content.decode()
        assert TOKEN not in body and TOKEN[::-1] not in body
    change = staff_client.get(f"/instances/instance/{instance.pk}/change/").content.decode()
    assert mask(TOKEN) in change


@pytest.mark.django_db
def test_api_never_serialises_tokens(staff_client, partner):
    InstanceFactory(partner=partner, token=TOKEN)
    assert TOKEN not in staff_client.get("/api/instances/").content.decode()


@pytest.mark.django_db
def test_saving_the_change_form_with_empty_secret_fields_keeps_the_secrets(staff_client, partner):
    instance = InstanceFactory(partner=partner, token=TOKEN, client_token="CT" * 10)
    response = staff_client.post(
        f"/instances/instance/{instance.pk}/change/",
        {"partner": partner.pk, "name": "Renamed", "phone": "", "token": "", "client_token": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Instance.objects.get(pk=instance.pk)
    assert (fresh.name, fresh.token, fresh.client_token) == ("Renamed", TOKEN, "CT" * 10)


@pytest.mark.parametrize(
    "line",
    [
        f"GET https://api.z-api.io/instances/3C01/token/{TOKEN}/status 200",
        f"headers={{'Client-Token': '{TOKEN}'}}",
        f"Authorization: Bearer {TOKEN}",
        f"POST /webhooks/12/{TOKEN}/ 200",
    ],
)
def test_log_filter_removes_tokens_from_messages(line):
    assert TOKEN not in redact(line)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (line,), None)
    RedactSecretsFilter().filter(record)
    assert TOKEN not in record.getMessage()


def test_log_filter_removes_tokens_from_tracebacks():
    try:
        raise RuntimeError(f"failed calling /instances/3C01/token/{TOKEN}/send-text")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactSecretsFilter().filter(record)
    assert TOKEN not in logging.Formatter().format(record)


UNFILTERED_HANDLERS = """
import logging, django
django.setup()
from core.logging import RedactSecretsFilter
for name in ("django", "django.request", "django.server", "celery", "zapi", "webhooks"):
    logger = logging.getLogger(name)
    while logger is not None:
        for handler in logger.handlers:
            writes = not isinstance(handler, logging.NullHandler)
            if writes and not any(isinstance(f, RedactSecretsFilter) for f in handler.filters):
                print(name, handler)
        logger = logger.parent if logger.propagate else None
"""


def test_every_handler_a_log_line_can_reach_redacts_secrets():
    # Request paths carry webhook secrets, so no handler may write a record unfiltered.
    # Checked in a fresh process on the dev settings (DEBUG adds Django's console handler).
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", UNFILTERED_HANDLERS],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", result.stdout
