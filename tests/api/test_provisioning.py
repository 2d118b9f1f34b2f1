"""Partner provisioning and number registration through the API, against the sandbox over
real HTTP: the pages' services, checks, confirmations' facts and audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from instances.models import Instance, SubscriptionState
from partners.models import RegisteredNumber, RegisteredNumberState
from partners.roles import Role
from sandbox.models import SandboxInstance, SandboxNumber
from tests.api.conftest import key_client, make_key
from tests.factories import MembershipFactory
from tests.partners.conftest import account, reseller  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
NUMBER = "5511987654321"


@pytest.fixture
def member_api(reseller):  # noqa: F811
    admin = MembershipFactory(partner=reseller, role=Role.PARTNER_ADMIN).user
    return key_client(make_key(admin, reseller, Role.PARTNER_MEMBER))


def test_provision_subscribe_cancel_with_the_confirmations_facts(live_url, reseller, member_api):  # noqa: F811
    usage = member_api.get(f"/api/partners/{reseller.pk}/usage/").json()
    assert usage["refusal"] == "" and usage["fleet"] == 0
    made = member_api.post(f"/api/partners/{reseller.pk}/instances/",
                           {"name": "Loja Centro", "business": False}, format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    instance = Instance.objects.get(pk=body["instance"]["id"])
    assert SandboxInstance.objects.get(zapi_id=instance.zapi_id).is_business is False
    assert body["instance"]["subscription_state"] == SubscriptionState.TRIAL
    assert "trial, which ends" in body["text"] and body["trial_ends"]
    assert "token" not in body["instance"]

    sub = member_api.get(f"/api/instances/{instance.pk}/subscription/").json()
    assert (sub["can_subscribe"], sub["can_cancel"]) == (True, False)
    assert sub["quote"]["price"] == "45.00" and sub["quote"]["first_invoice"]
    done = member_api.post(f"/api/instances/{instance.pk}/subscribe/")
    assert done.status_code == 200, done.content
    assert "first billed on the invoice of" in done.json()["text"]
    assert done.json()["subscription"]["subscription_state"] == SubscriptionState.SUBSCRIBED
    again = member_api.post(f"/api/instances/{instance.pk}/subscribe/")
    assert again.status_code == 409 and "already subscribed" in again.json()["errors"][0]["detail"]

    cancelled = member_api.post(f"/api/instances/{instance.pk}/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    until = timezone.localdate(timezone.now() + timedelta(days=30))
    assert f"active until {until}" in cancelled.json()["text"]
    assert cancelled.json()["subscription"]["can_subscribe"] is True

    rows = AuditEntry.objects.order_by("pk")
    assert [r.action for r in rows] == [AuditAction.INSTANCE_PROVISION,
                                        AuditAction.INSTANCE_SUBSCRIBE,
                                        AuditAction.INSTANCE_CANCEL]  # fmt: skip
    assert {r.actor_name.split(" (")[0] for r in rows} == {"API key CRM"}


def test_the_pages_checks_refuse_before_any_call(live_url, reseller, member_api, settings):  # noqa: F811
    reseller.max_instances = 0
    reseller.save()
    refused = member_api.post(f"/api/partners/{reseller.pk}/instances/", {"name": "X"},
                              format="json")  # fmt: skip
    assert refused.status_code == 409
    assert "limit of 0 instances" in refused.json()["errors"][0]["detail"]
    assert not Instance.objects.exists() and not SandboxInstance.objects.exists()
    assert "limit of 0" in member_api.get(f"/api/partners/{reseller.pk}/usage/").json()["refusal"]


def test_an_operator_key_may_not_provision(live_url, reseller, partner_admin):  # noqa: F811
    operator = key_client(make_key(partner_admin, reseller, Role.OPERATOR))
    made = operator.post(f"/api/partners/{reseller.pk}/instances/", {"name": "X"}, format="json")
    assert made.status_code == 403
    assert operator.get("/api/numbers/").status_code == 403
    assert not Instance.objects.exists()


def test_register_and_verify_a_number_with_reasons_in_words(live_url, reseller, member_api):  # noqa: F811
    asked = member_api.post("/api/numbers/", {"whatsapp": "+55 11 98765-4321", "method": 2,
                                              "language": "pt"}, format="json")  # fmt: skip
    assert asked.status_code == 201, asked.content
    number = asked.json()["number"]
    assert number["whatsapp"] == NUMBER and number["state"] == RegisteredNumberState.CODE_REQUESTED
    assert "request 1 of 3" in asked.json()["text"]
    code = SandboxNumber.objects.get(whatsapp=NUMBER).code
    wrong = member_api.post(f"/api/numbers/{number['id']}/verify/",
                            {"code": "000000" if code != "000000" else "111111"})  # fmt: skip
    assert wrong.status_code == 409 and "code is wrong" in wrong.json()["errors"][0]["detail"]
    ok = member_api.post(f"/api/numbers/{number['id']}/verify/", {"code": code})
    assert ok.status_code == 200, ok.content
    assert ok.json()["number"]["state"] == RegisteredNumberState.VERIFIED
    assert ok.json()["number"]["expires_at"]
    limits = member_api.get("/api/numbers/limits/").json()
    assert limits == {"waiting": 1, "waiting_limit": 500, "max_code_requests": 3}
    bad = member_api.post("/api/numbers/", {"whatsapp": "12ab"}, format="json")
    assert bad.status_code == 400 and "not valid" in bad.json()["errors"][0]["detail"]


def test_three_requests_then_the_wait_is_said(live_url, reseller, member_api):  # noqa: F811
    number = RegisteredNumber.objects.create(
        partner=reseller, whatsapp=NUMBER, code_requests=3, last_request_at=timezone.now()
    )
    row = member_api.get(f"/api/numbers/{number.pk}/").json()
    assert row["next_request_at"] is not None
    again = member_api.post(f"/api/numbers/{number.pk}/request-again/")
    assert again.status_code == 409
    assert "blocks more for an hour" in again.json()["errors"][0]["detail"]
    assert not SandboxNumber.objects.exists()
