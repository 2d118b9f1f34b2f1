"""Each lifecycle transition against the sandbox over real HTTP: provision (2-day trial,
every webhook pointing at us), subscribe, cancel (active 30 more days); the limits refuse
before any call; Z-API's errors come back in words."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from instances.models import Instance, Origin, SubscriptionState
from partners.lifecycle import instance_cancel, instance_provision, instance_subscribe
from sandbox.models import SandboxInstance
from tests.factories import InstanceFactory
from webhooks.models import WebhookEvent
from zapi.events import WEBHOOK_KINDS

pytestmark = pytest.mark.django_db(transaction=True)


def test_provision_creates_a_trial_with_every_webhook_pointing_at_us(live_url, reseller):
    outcome = instance_provision(
        partner=reseller, name="Bakery 1", session_name="Bakery", mobile=True, business=False,
        call_reject_auto=True, call_reject_message="Text us", auto_read_message=True,
    )  # fmt: skip
    assert outcome.ok, outcome.text
    instance = Instance.objects.get(pk=outcome.value.pk)
    remote = SandboxInstance.objects.get(zapi_id=instance.zapi_id)
    assert str(instance.token) == remote.token
    assert (instance.subscription_state, instance.origin) == (SubscriptionState.TRIAL,
                                                              Origin.PROVISIONED)  # fmt: skip
    left = instance.due_date - timezone.now()
    assert timedelta(days=2) - timedelta(minutes=2) < left <= timedelta(days=2)
    assert (remote.middleware, remote.is_business, remote.payment_status) == (
        "mobile", False, "TRIAL")  # fmt: skip
    assert remote.settings["callRejectAuto"] is True
    assert remote.settings["autoReadMessage"] is True
    assert remote.settings["sessionName"] == "Bakery"
    # One URL per kind of the webhook table, each the receiver of this very instance.
    assert set(remote.webhooks) == {kind.name for kind in WEBHOOK_KINDS}
    for kind in WEBHOOK_KINDS:
        assert remote.webhooks[kind.name].startswith(instance.webhook_url)
        assert remote.webhooks[kind.name].endswith(f"/{kind.slug}")


def test_a_webhook_sent_to_a_provisioned_url_is_received(live_url, reseller):
    instance = instance_provision(partner=reseller, name="Shop").value
    remote = SandboxInstance.objects.get(zapi_id=instance.zapi_id)
    momment = int(timezone.now().timestamp() * 1000)
    body = {"type": "ConnectedCallback", "instanceId": instance.zapi_id, "connected": True,
            "momment": momment, "phone": "5511999990000"}  # fmt: skip
    answer = httpx.post(remote.webhooks["connected"], json=body, timeout=10)
    assert answer.status_code == 200
    assert WebhookEvent.objects.filter(instance=instance).count() == 1


def test_subscribe_then_cancel_at_the_sandbox(live_url, reseller):
    instance = instance_provision(partner=reseller, name="Shop").value
    subscribed = instance_subscribe(instance=instance)
    assert subscribed.ok, subscribed.text
    instance.refresh_from_db()
    remote = SandboxInstance.objects.get(zapi_id=instance.zapi_id)
    assert remote.payment_status == "PAID"
    assert instance.subscription_state == SubscriptionState.SUBSCRIBED
    assert instance.subscribed_at is not None and instance.cancelled_at is None
    assert "first billed on the invoice of" in subscribed.text

    again = instance_subscribe(instance=instance)
    assert not again.ok and "already subscribed" in again.text

    cancelled = instance_cancel(instance=instance)
    assert cancelled.ok, cancelled.text
    instance.refresh_from_db()
    remote.refresh_from_db()
    assert remote.payment_status == "CANCELED"
    assert instance.subscription_state == SubscriptionState.CANCELLED
    until = timezone.localdate(instance.cancelled_at + timedelta(days=30))
    assert f"active until {until}" in cancelled.text
    assert abs((instance.due_date - remote.due).total_seconds()) < 60


def test_a_trial_cannot_be_cancelled_and_nothing_is_called(live_url, reseller):
    instance = instance_provision(partner=reseller, name="Shop").value
    outcome = instance_cancel(instance=instance)
    assert not outcome.ok and "trial simply ends" in outcome.text
    assert SandboxInstance.objects.get(zapi_id=instance.zapi_id).payment_status == "TRIAL"


def test_the_first_tokens_25_instances_are_enforced_before_any_call(live_url, reseller):
    for n in range(25):
        InstanceFactory(partner=reseller, origin=Origin.PROVISIONED, name=f"old {n}",
                        subscription_state=SubscriptionState.DELETED)  # fmt: skip
    before = SandboxInstance.objects.count()
    outcome = instance_provision(partner=reseller, name="26th")
    assert not outcome.ok
    assert "at most 25 instances" in outcome.text and "definitive token" in outcome.text
    assert SandboxInstance.objects.count() == before
    assert not Instance.objects.filter(name="26th").exists()
    reseller.first_token = False
    reseller.save()
    assert instance_provision(partner=reseller, name="26th").ok


def test_the_partners_own_limit_is_enforced_before_any_call(live_url, reseller):
    reseller.max_instances = 1
    reseller.save()
    InstanceFactory(partner=reseller)
    outcome = instance_provision(partner=reseller, name="Second")
    assert not outcome.ok and "limit of 1 instances" in outcome.text
    assert SandboxInstance.objects.count() == 0


def test_a_wrong_integrator_token_is_said_in_words_and_leaves_nothing(live_url, reseller):
    reseller.integrator_token = "NOT-THE-TOKEN"
    reseller.save()
    outcome = instance_provision(partner=reseller, name="Shop")
    assert not outcome.ok
    assert "refused the partner's integrator token (HTTP 401)" in outcome.text
    assert "NOT-THE-TOKEN" not in outcome.text
    assert not Instance.objects.exists()


def test_no_integrator_token_is_refused_before_any_call(live_url, partner):
    outcome = instance_provision(partner=partner, name="Shop")
    assert not outcome.ok and "no Z-API integrator token" in outcome.text


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, {"error": "boom"}, "failed on its side (HTTP 500)"),
        (403, {"error": "Instance limit reached"}, "reached its instance limit"),
    ],
)
def test_upstream_errors_are_said_in_words(reseller, settings, monkeypatch, status, body, words):
    # Mocked at the zapi transport: the sandbox has no way to answer these on this route.
    settings.ZAPI_PARTNER_BASE_URL = "http://zapi.test"
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, json.loads(request.content)))
        return httpx.Response(status, json=body)

    mocked = httpx.Client(transport=httpx.MockTransport(handler))
    monkeypatch.setattr("zapi.clients.base.shared_http_client", lambda: mocked)
    outcome = instance_provision(partner=reseller, name="Shop")
    assert not outcome.ok and words in outcome.text
    assert seen[0][:2] == ("POST", "/instances/integrator/on-demand")
    assert seen[0][2]["name"] == "Shop"
    assert not Instance.objects.exists()  # the reservation is given back


def test_provision_subscribe_and_cancel_leave_audit_rows(live_url, reseller, member):
    from audit.models import AuditAction, AuditEntry

    instance = instance_provision(partner=reseller, name="Audited", actor=member).value
    assert instance_subscribe(instance=instance, actor=member).ok
    instance.refresh_from_db()
    assert instance_cancel(instance=instance, actor=member).ok
    rows = list(AuditEntry.objects.filter(instance=instance).order_by("at", "pk"))
    assert [(r.action, r.actor_name) for r in rows] == [
        (AuditAction.INSTANCE_PROVISION, "paula"),
        (AuditAction.INSTANCE_SUBSCRIBE, "paula"),
        (AuditAction.INSTANCE_CANCEL, "paula"),
    ]
    assert str(instance.token) not in str([r.details for r in rows])
