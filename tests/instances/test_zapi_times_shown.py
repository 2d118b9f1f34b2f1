"""Times Z-API gives are shown as local dates, never as raw numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from instances.templatetags.instances_tags import zapi_value

pytestmark = pytest.mark.django_db


def test_zapi_value_turns_times_into_local_dates(settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    assert zapi_value(1714564800000, "due") == "2024-05-01 09:00:00"
    assert zapi_value("2024-05-01T12:00:00+00:00", "created") == "2024-05-01 09:00:00"
    assert zapi_value(1714564800000, "phone") == 1714564800000


def test_overview_shows_me_due_as_a_date(operator_client, instance):
    instance.settings_snapshot = {
        "me": {"due": 1714564800000, "name": "x"},
        "fetched_at": "2024-05-01T12:00:00+00:00",
    }
    instance.save(update_fields=["settings_snapshot"])
    body = operator_client.get(
        reverse("admin:instances_instance_overview", args=[instance.pk])
    ).content.decode()
    assert "1714564800000" not in body
    assert "2024-05-01" in body
