"""The audit log: one service writes it, sensitive actions call it, a page per partner
reads it, beat purges it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from audit.services import audit_purge, audit_record
from messaging.models import Direction, Message
from messaging.states import MessageState
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory
from tests.webhooks.factories import WebhookEventFactory

pytestmark = pytest.mark.django_db

LOG = reverse("admin:audit_auditentry_changelist")


def _login(partner, role) -> tuple[Client, object]:
    user = MembershipFactory(partner=partner, role=role).user
    client = Client()
    client.force_login(user)
    return client, user


def test_audit_record_names_who_what_where_and_redacts_secrets(partner, instance, operator):
    url = f"https://x.example/instances/ABC/token/{'T' * 32}/send-text"
    entry = audit_record(
        actor=operator, partner=None, instance=instance, action=AuditAction.INSTANCE_RESTART,
        target=instance, ip="203.0.113.9", details={"url": url},
    )  # fmt: skip
    entry.refresh_from_db()
    assert (entry.partner, entry.actor_name, entry.ip) == (partner, "olga", "203.0.113.9")
    assert entry.target == "Sales 1" and "T" * 32 not in entry.details["url"]


def test_cancel_retry_and_replay_are_recorded(partner, instance):
    client, user = _login(partner, Role.SUPPORT)
    queued = Message.objects.create(
        instance=instance, direction=Direction.OUTBOUND, kind="text", chat_id="551199",
        state=MessageState.QUEUED,
    )  # fmt: skip
    failed = Message.objects.create(
        instance=instance, direction=Direction.OUTBOUND, kind="text", chat_id="551199",
        state=MessageState.FAILED,
    )  # fmt: skip
    client.post(reverse("admin:messaging_message_cancel", args=[queued.pk]))
    client.post(
        reverse("admin:messaging_message_changelist"),
        {"action": "retry_selected", "_selected_action": [failed.pk]},
    )
    event = WebhookEventFactory(instance=instance)
    client.post(reverse("admin:webhooks_webhookevent_replay", args=[event.pk]))
    actions = sorted(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == ["message.cancel", "message.retry", "webhook.replay"]
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {"127.0.0.1"}


def test_member_changes_are_recorded(partner):
    client, admin_user = _login(partner, Role.PARTNER_ADMIN)
    client.post(
        reverse("admin:partners_partner_members", args=[partner.pk]),
        {"email": "ana@example.com", "role": Role.OPERATOR},
    )
    entry = AuditEntry.objects.get(action=AuditAction.MEMBER_INVITE)
    assert (entry.actor, entry.target, entry.partner) == (admin_user, "ana@example.com", partner)


def test_the_log_page_shows_only_partners_where_the_person_may_read_it(
    partner, other_partner, instance
):
    audit_record(actor=None, partner=partner, action=AuditAction.PACE_CHANGE, target="mine")
    audit_record(actor=None, partner=other_partner, action=AuditAction.PACE_CHANGE, target="theirs")
    for role in (Role.PARTNER_ADMIN, Role.SUPPORT):
        client, _user = _login(partner, role)
        body = client.get(LOG).content.decode()
        assert "mine" in body and "theirs" not in body
    operator_client, _user = _login(partner, Role.OPERATOR)
    assert operator_client.get(LOG).status_code == 403
    foreign = AuditEntry.objects.get(target="theirs")
    admin_client, _user = _login(partner, Role.PARTNER_ADMIN)
    url = reverse("admin:audit_auditentry_change", args=[foreign.pk])
    assert admin_client.get(url).status_code == 404


def test_the_log_filters_by_person_action_instance_and_time(partner, instance, operator):
    other = InstanceFactory(partner=partner, name="Other number")
    audit_record(actor=operator, partner=partner, instance=instance,
                 action=AuditAction.INSTANCE_RESTART, target="restart-row")  # fmt: skip
    audit_record(actor=None, partner=partner, instance=other,
                 action=AuditAction.PACE_CHANGE, target="pace-row")  # fmt: skip
    client, _user = _login(partner, Role.PARTNER_ADMIN)
    today = timezone.localdate()
    for query, shown, hidden in [
        (f"actor__id__exact={operator.pk}", "restart-row", "pace-row"),
        ("action__exact=pace.change", "pace-row", "restart-row"),
        (f"instance__id__exact={instance.pk}", "restart-row", "pace-row"),
        (f"at__year={today.year}&at__month={today.month}&at__day={today.day}", "pace-row", "x-x"),
    ]:
        body = client.get(f"{LOG}?{query}").content.decode()
        assert shown in body and hidden not in body, query


def test_purge_keeps_what_is_within_the_retention(partner, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = audit_record(actor=None, partner=partner, action=AuditAction.PACE_CHANGE)
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = audit_record(actor=None, partner=partner, action=AuditAction.PACE_CHANGE)
    assert audit_purge() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_purge_runs_from_beat():
    from config.celery import beat_schedule

    assert beat_schedule()["audit-purge"]["task"] == "audit.tasks.audit_purge_task"
