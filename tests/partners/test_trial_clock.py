"""The trial clock on a frozen clock (``now=``): notices at 24 h and 2 h left, each once;
auto-subscribe for partners that want it (against the sandbox); ended trials expire; unpaid
instances warned before the 10th and the 15th."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from instances.models import InstanceNotice, NoticeKind, SubscriptionState
from partners.lifecycle import instance_provision, trial_clock_tick, unpaid_warnings_tick
from sandbox.models import SandboxInstance
from tests.factories import InstanceFactory

NOW = timezone.make_aware(datetime(2027, 5, 20, 12, 0))


def trial(partner, hours_left: float, **kw):
    return InstanceFactory(partner=partner, subscription_state=SubscriptionState.TRIAL,
                           due_date=NOW + timedelta(hours=hours_left), **kw)  # fmt: skip


def notices(instance):
    return list(InstanceNotice.objects.filter(instance=instance, kind=NoticeKind.TRIAL_ENDING)
                .values_list("text", flat=True))  # fmt: skip


@pytest.mark.django_db
def test_notices_come_at_24_and_2_hours_left_once_each(partner):
    instance = trial(partner, 30)
    assert trial_clock_tick(now=NOW)["notices"] == 0
    later = NOW + timedelta(hours=7)  # 23 h left
    assert trial_clock_tick(now=later)["notices"] == 1
    assert trial_clock_tick(now=later + timedelta(minutes=5))["notices"] == 0
    assert "less than 24 h left" in notices(instance)[0]
    assert trial_clock_tick(now=NOW + timedelta(hours=28, minutes=30))["notices"] == 1
    assert "less than 2 h left" in notices(instance)[0]
    assert len(notices(instance)) == 2


@pytest.mark.django_db
def test_an_ended_trial_expires(partner):
    instance = trial(partner, -1)
    assert trial_clock_tick(now=NOW)["expired"] == 1
    instance.refresh_from_db()
    assert instance.subscription_state == SubscriptionState.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_an_auto_subscribing_partner_subscribes_trials_before_they_end(live_url, reseller):
    reseller.auto_subscribe = True
    reseller.save()
    instance = instance_provision(partner=reseller, name="Auto").value
    early = timezone.now() + timedelta(hours=20)
    assert trial_clock_tick(now=early)["subscribed"] == 0
    late = instance.due_date - timedelta(hours=1)
    assert trial_clock_tick(now=late)["subscribed"] == 1
    instance.refresh_from_db()
    assert instance.subscription_state == SubscriptionState.SUBSCRIBED
    assert SandboxInstance.objects.get(zapi_id=instance.zapi_id).payment_status == "PAID"


@pytest.mark.django_db
def test_an_auto_subscribe_that_fails_still_warns(partner):
    partner.auto_subscribe = True  # no integrator token: the subscription fails
    partner.save()
    instance = trial(partner, 1)
    counts = trial_clock_tick(now=NOW)
    assert counts["subscribed"] == 0 and counts["notices"] == 1
    assert notices(instance)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "words"), [(3, "stop on the 10"), (12, "be deleted on the 15"), (16, None)]
)
def test_unpaid_instances_are_warned_before_the_10th_and_the_15th(partner, day, words):
    unpaid = InstanceFactory(partner=partner, subscription_state=SubscriptionState.SUBSCRIBED,
                             payment_status="UNPAID")  # fmt: skip
    InstanceFactory(partner=partner, subscription_state=SubscriptionState.SUBSCRIBED,
                    payment_status="PAID")  # fmt: skip
    now = timezone.make_aware(datetime(2027, 6, day, 9, 0))
    raised = unpaid_warnings_tick(now=now)
    texts = list(
        InstanceNotice.objects.filter(kind=NoticeKind.UNPAID).values_list("text", flat=True)
    )
    if words is None:
        assert raised == 0 and texts == []
    else:
        assert raised == 1 and words in texts[0] and unpaid.name in texts[0]
        assert unpaid_warnings_tick(now=now) == 0  # once
