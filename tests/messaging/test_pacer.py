"""The pacer's slot: one holder at a time across connections, a gap after each send."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from messaging.models import InstancePacer
from messaging.pacer import pacer_get, slot_claim, slot_release, wake_reserve
from tests.factories import InstanceFactory


@pytest.fixture
def instance(instance):
    pacer_get(instance_id=instance.pk)
    return instance


def release(lease, sent):
    slot_release(lease=lease, pacer=InstancePacer.objects.get(pk=lease.instance_id), sent=sent)


@pytest.mark.django_db
def test_slot_is_held_until_released_then_blocked_for_the_gap(instance):
    lease = slot_claim(instance_id=instance.pk)
    assert lease is not None
    assert slot_claim(instance_id=instance.pk) is None
    InstancePacer.objects.filter(instance=instance).update(min_gap_seconds=2, max_gap_seconds=3)
    release(lease, sent=True)
    pacer = InstancePacer.objects.get(instance=instance)
    assert timedelta(seconds=1.9) < pacer.next_slot_at - timezone.now() <= timedelta(seconds=3)
    assert pacer.lease_token == ""
    assert slot_claim(instance_id=instance.pk) is None


@pytest.mark.django_db
def test_release_without_a_send_frees_the_slot_at_once(instance):
    lease = slot_claim(instance_id=instance.pk)
    release(lease, sent=False)
    assert slot_claim(instance_id=instance.pk) is not None


@pytest.mark.django_db
def test_a_lease_held_by_a_dead_worker_frees_itself(instance, settings):
    settings.MESSAGING_LEASE_SECONDS = 0.01
    assert slot_claim(instance_id=instance.pk) is not None
    # The holder never releases (killed): after the lease another may take the slot.
    import time

    time.sleep(0.05)
    assert slot_claim(instance_id=instance.pk) is not None


@pytest.mark.django_db
def test_a_stale_release_does_not_free_the_new_holders_slot(instance, settings):
    settings.MESSAGING_LEASE_SECONDS = 0.01
    old = slot_claim(instance_id=instance.pk)
    import time

    time.sleep(0.05)
    settings.MESSAGING_LEASE_SECONDS = 60
    assert slot_claim(instance_id=instance.pk) is not None
    release(old, sent=False)
    assert slot_claim(instance_id=instance.pk) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_from_many_connections_have_one_winner(partner):
    instance = InstanceFactory(partner=partner)
    pacer_get(instance_id=instance.pk)
    InstancePacer.objects.filter(instance=instance).update(
        next_slot_at=timezone.now(), lease_token=""
    )
    barrier = threading.Barrier(8)
    wins: list[bool] = []

    def claim() -> None:
        barrier.wait()
        try:
            wins.append(slot_claim(instance_id=instance.pk) is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


@pytest.mark.django_db
def test_a_burst_of_kicks_reserves_one_wake(instance):
    now = timezone.now()
    reserved = [
        wake_reserve(instance_id=instance.pk, at=now + timedelta(milliseconds=i)) for i in range(50)
    ]
    assert reserved.count(True) == 1
    # An earlier wake replaces a later one.
    assert wake_reserve(instance_id=instance.pk, at=now - timedelta(seconds=1))
