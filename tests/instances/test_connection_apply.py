"""instance_connection_apply: the newest observation wins, operators hear of disconnects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from instances.models import ConnectionState, HealthProbe, InstanceNotice, NoticeKind
from instances.services import instance_connection_apply, instance_disconnected_email_send
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def apply(instance, connected, at, source="webhook", **kw):
    return instance_connection_apply(
        instance_id=instance.pk, connected=connected, at=at, source=source, **kw
    )


def test_first_connected_webhook_connects_a_never_paired_instance(instance):
    now = timezone.now()
    assert apply(instance, True, now, smartphone_connected=True)
    instance.refresh_from_db()
    assert instance.connection_state == ConnectionState.CONNECTED
    assert instance.smartphone_connected is True
    assert instance.connection_changed_at == now
    assert instance.connection_source == "webhook"
    assert HealthProbe.objects.filter(instance=instance, source="webhook").count() == 1


def test_an_older_event_arriving_late_changes_nothing_but_is_kept_in_history(instance):
    now = timezone.now()
    apply(instance, True, now)
    assert not apply(instance, False, now - timedelta(seconds=5))
    instance.refresh_from_db()
    assert instance.connection_state == ConnectionState.CONNECTED
    assert HealthProbe.objects.filter(instance=instance).count() == 2
    assert not InstanceNotice.objects.exists()


def test_the_same_moment_twice_applies_once(instance):
    now = timezone.now()
    assert apply(instance, True, now)
    assert not apply(instance, True, now)


def test_disconnect_of_a_connected_instance_leaves_a_notice_and_queues_an_email(
    instance, django_capture_on_commit_callbacks
):
    now = timezone.now()
    apply(instance, True, now - timedelta(minutes=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert apply(instance, False, now, error="phone lost")
    notice = InstanceNotice.objects.get()
    assert notice.kind == NoticeKind.DISCONNECTED
    assert instance.name in notice.text and "phone lost" in notice.text
    assert len(callbacks) == 1  # the email task, sent after commit
    instance.refresh_from_db()
    assert instance.smartphone_connected is None


def test_disconnect_of_a_never_paired_instance_notifies_nobody(instance):
    apply(instance, False, timezone.now())
    assert not InstanceNotice.objects.exists()


def test_reconnecting_dismisses_the_disconnect_notice(instance):
    now = timezone.now()
    apply(instance, True, now - timedelta(minutes=2))
    apply(instance, False, now - timedelta(minutes=1))
    apply(instance, True, now)
    assert InstanceNotice.objects.open().count() == 0


def test_probe_finding_down_what_webhooks_call_connected_is_flagged(instance):
    now = timezone.now()
    apply(instance, True, now - timedelta(minutes=5), source="webhook")
    apply(instance, False, now, source="probe", error="You are not connected.")
    instance.refresh_from_db()
    assert instance.probe_mismatch_since == now
    assert instance.last_probe_at == now
    assert instance.connection_state == ConnectionState.DISCONNECTED
    # The disconnect webhook arriving later clears the flag.
    apply(instance, False, now + timedelta(seconds=1), source="webhook")
    instance.refresh_from_db()
    assert instance.probe_mismatch_since is None


def test_unknown_instance_is_ignored():
    assert not instance_connection_apply(
        instance_id=987654, connected=True, at=timezone.now(), source="probe"
    )


def test_disconnect_email_goes_to_the_partners_operators_only(partner):
    instance = InstanceFactory(partner=partner, name="Support line")
    MembershipFactory(partner=partner, role=Role.OPERATOR, user__email="op@example.com")
    MembershipFactory(partner=partner, role=Role.SUPPORT, user__email="sup@example.com")
    MembershipFactory(role=Role.OPERATOR, user__email="other@example.com")
    assert instance_disconnected_email_send(instance_id=instance.pk, text="Gone.") == 1
    assert mail.outbox[0].to == ["op@example.com"]
    assert "Support line" in mail.outbox[0].subject
    assert "Gone." in mail.outbox[0].body


def test_webhooks_bump_the_last_event_never_backwards(instance):
    from instances.services import instance_event_seen

    now = timezone.now()
    apply(instance, True, now)
    instance_event_seen(instance_id=instance.pk, at=now - timedelta(minutes=1))
    instance.refresh_from_db()
    assert instance.last_event_at == now


def test_probe_finding_a_never_paired_instance_down_keeps_it_never_paired(instance):
    applied = instance_connection_apply(
        instance_id=instance.pk, connected=False, at=timezone.now(), source="probe"
    )
    instance.refresh_from_db()
    assert applied
    assert instance.connection_state == ConnectionState.NEVER_PAIRED
    assert instance.last_probe_at is not None
