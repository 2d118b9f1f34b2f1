"""The sync against the sandbox's ``GET /instances`` over real HTTP: due dates, payment
status and connection flags reconciled; drift both ways; import with the token; paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from instances.models import (
    ConnectionState,
    Instance,
    InstanceNotice,
    NoticeKind,
    Origin,
    SubscriptionState,
)
from partners.lifecycle import instance_provision
from partners.models import Partner
from partners.sync import instance_import, partner_sync
from sandbox.models import SandboxInstance
from sandbox.services import sandbox_instance_create

pytestmark = pytest.mark.django_db(transaction=True)


def provision(partner, name):
    outcome = instance_provision(partner=partner, name=name)
    assert outcome.ok, outcome.text
    return outcome.value


def test_sync_takes_due_dates_payment_and_connection_from_zapi(live_url, reseller):
    ours = provision(reseller, "Shop")
    remote = SandboxInstance.objects.get(zapi_id=ours.zapi_id)
    due = timezone.now() + timedelta(days=33)
    remote.payment_status, remote.due = "PAID", due  # subscribed at Z-API's own console
    remote.state, remote.phone = SandboxInstance.State.CONNECTED, "5511911112222"
    remote.save()
    outcome = partner_sync(partner=reseller)
    assert outcome.ok, outcome.text
    ours.refresh_from_db()
    assert ours.subscription_state == SubscriptionState.SUBSCRIBED
    assert ours.subscribed_at is not None  # billing needs a date: when the sync saw it
    assert abs((ours.due_date - due).total_seconds()) < 1
    assert ours.payment_status == "PAID"
    assert ours.connection_state == ConnectionState.CONNECTED
    assert ours.last_synced_at is not None


def test_cancelled_at_zapi_is_dated_thirty_days_before_its_end(live_url, reseller):
    ours = provision(reseller, "Shop")
    remote = SandboxInstance.objects.get(zapi_id=ours.zapi_id)
    until = timezone.now() + timedelta(days=20)
    remote.payment_status, remote.due = "CANCELED", until
    remote.save()
    assert partner_sync(partner=reseller).ok
    ours.refresh_from_db()
    assert ours.subscription_state == SubscriptionState.CANCELLED
    assert abs((ours.cancelled_at - (until - timedelta(days=30))).total_seconds()) < 1


def test_an_instance_zapi_no_longer_lists_is_flagged_never_deleted(live_url, reseller):
    ours = provision(reseller, "Gone")
    SandboxInstance.objects.filter(zapi_id=ours.zapi_id).delete()
    outcome = partner_sync(partner=reseller)
    assert outcome.ok and outcome.value.missing == 1
    ours.refresh_from_db()
    assert ours.missing_at_zapi_since is not None
    notice = InstanceNotice.objects.get(instance=ours, kind=NoticeKind.MISSING_AT_ZAPI)
    assert "not in Z-API's instance list" in notice.text
    assert partner_sync(partner=reseller).value.missing == 0  # flagged once
    assert InstanceNotice.objects.filter(instance=ours).count() == 1
    assert Instance.objects.filter(pk=ours.pk).exists()


def test_an_instance_only_zapi_has_is_offered_then_imported_with_its_token(live_url, reseller,
                                                                          account):  # fmt: skip
    theirs = sandbox_instance_create(name="Made elsewhere", account=account, payment_status="PAID")
    report = partner_sync(partner=reseller).value
    assert [row["id"] for row in report.zapi_only] == [theirs.zapi_id]
    assert "token" not in report.zapi_only[0]
    stored = Partner.objects.get(pk=reseller.pk).last_sync
    assert theirs.token not in str(stored)

    outcome = instance_import(partner=reseller, zapi_id=theirs.zapi_id)
    assert outcome.ok, outcome.text
    imported = outcome.value
    assert (str(imported.token), imported.origin, imported.name) == (
        theirs.token, Origin.IMPORTED, "Made elsewhere")  # fmt: skip
    assert imported.subscription_state == SubscriptionState.SUBSCRIBED
    theirs.refresh_from_db()
    assert set(theirs.webhooks.values()) == {imported.webhook_url}  # pointed at us
    assert Partner.objects.get(pk=reseller.pk).last_sync["zapi_only"] == []
    assert not instance_import(partner=reseller, zapi_id=theirs.zapi_id).ok  # once


def test_an_instance_of_another_partner_is_not_offered(live_url, reseller, account,
                                                       other_partner):  # fmt: skip
    theirs = sandbox_instance_create(name="Other's", account=account)
    Instance.objects.create(partner=other_partner, zapi_id=theirs.zapi_id, token="t", name="x")
    assert partner_sync(partner=reseller).value.zapi_only == []


def test_sync_pages_through_the_whole_list(live_url, reseller, account, settings):
    settings.PARTNER_SYNC_PAGE_SIZE = 2
    for n in range(5):
        sandbox_instance_create(name=f"n{n}", account=account)
    report = partner_sync(partner=reseller).value
    assert report.seen == 5 and len(report.zapi_only) == 5


def test_a_failed_list_changes_nothing(live_url, reseller):
    ours = provision(reseller, "Shop")
    SandboxInstance.objects.filter(zapi_id=ours.zapi_id).delete()
    reseller.integrator_token = "WRONG"
    reseller.save()
    outcome = partner_sync(partner=reseller)
    assert not outcome.ok and "HTTP 401" in outcome.text
    ours.refresh_from_db()
    assert ours.missing_at_zapi_since is None


def test_the_list_can_be_narrowed_by_type_and_query(live_url, reseller, account):
    from partners.sync import zapi_pages

    web = sandbox_instance_create(name="Front web", account=account, middleware="web")
    sandbox_instance_create(name="Back mobile", account=account, middleware="mobile")
    assert [r.name for r in zapi_pages(partner=reseller, middleware="mobile")] == ["Back mobile"]
    assert [r.id for r in zapi_pages(partner=reseller, query=web.zapi_id)] == [web.zapi_id]
