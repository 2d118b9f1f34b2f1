"""A sandbox webhook that cannot be delivered is shown on the instance's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.models import SandboxInstance, SandboxWebhook

pytestmark = pytest.mark.django_db


def _box(instance) -> SandboxInstance:
    return SandboxInstance.objects.create(name="box", zapi_id=instance.zapi_id)


def _overview(client, instance) -> str:
    url = reverse("admin:instances_instance_overview", args=[instance.pk])
    return client.get(url).content.decode()


def test_a_failed_delivery_is_shown_without_the_webhook_secret(operator_client, instance):
    box = _box(instance)
    assert "cannot deliver" not in _overview(operator_client, instance)
    SandboxWebhook.objects.create(
        instance=box,
        kind="ConnectedCallback",
        url=instance.webhook_url,
        payload={},
        state=SandboxWebhook.State.FAILED,
        attempts=6,
        last_error="ConnectError",
    )
    body = _overview(operator_client, instance)
    assert "The sandbox cannot deliver this number&#x27;s webhooks" in body or (
        "The sandbox cannot deliver this number's webhooks" in body
    )
    assert "ConnectError" in body and "given up after every retry" in body
    assert instance.webhook_secret not in body


def test_a_later_successful_delivery_clears_it(operator_client, instance):
    box = _box(instance)
    for state in (SandboxWebhook.State.FAILED, SandboxWebhook.State.DELIVERED):
        SandboxWebhook.objects.create(
            instance=box, kind="X", url=instance.webhook_url, payload={}, state=state, attempts=1
        )
    assert "cannot deliver" not in _overview(operator_client, instance)


def _crumbs(body: str) -> list[str]:
    import re

    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', body, re.S).group(1)
    return [w.strip() for w in re.sub(r"<[^>]+>", "", crumbs).split("&rsaquo;")]


def test_breadcrumbs_read_home_fleet_instance_page(operator_client, instance):
    assert _crumbs(_overview(operator_client, instance)) == ["Home", "Fleet", "Sales 1", "Instance"]
    edit = reverse("admin:instances_instance_change", args=[instance.pk])
    assert _crumbs(operator_client.get(edit).content.decode()) == [
        "Home",
        "Fleet",
        "Sales 1",
        "Edit",
    ]
    fleet = operator_client.get(reverse("admin:instances_instance_changelist"))
    assert _crumbs(fleet.content.decode()) == ["Home", "Fleet"]
