"""Telling people about an instance: the dashboard's notices and the operators' emails.

Every notice is written here (``instance_notice_create``, ``instance_notices_dismiss``), so
the rules (length, who sees it) live in one place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import Instance, InstanceNotice, NoticeKind
from partners.roles import CAPABILITIES, Capability

NOTICE_TEXT_MAX = 255


def instance_notice_create(*, instance_id: int, kind: NoticeKind, text: str) -> InstanceNotice:
    return InstanceNotice.objects.create(
        instance_id=instance_id, kind=kind, text=text[:NOTICE_TEXT_MAX]
    )


def instance_notices_dismiss(*, notices: QuerySet[InstanceNotice]) -> int:
    """Dismiss the open ones among ``notices``; how many were open."""
    return notices.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())


def instance_action_failed_notice(*, instance: Instance, outcome: Any) -> None:
    """A background action that failed becomes a notice on the fleet list, so the operator
    still sees what Z-API answered."""
    if not outcome.ok:
        instance_notice_create(
            instance_id=instance.pk,
            kind=NoticeKind.ACTION_FAILED,
            text=f"{instance.name}: {outcome}",
        )


def instance_operator_emails(*, instance: Instance) -> list[str]:
    """Emails of the active people who operate ``instance``'s partner."""
    roles = [role for role, caps in CAPABILITIES.items() if Capability.OPERATE in caps]
    users = get_user_model().objects.filter(
        is_active=True,
        memberships__partner_id=instance.partner_id,
        memberships__role__in=roles,
    )
    return sorted({email for email in users.values_list("email", flat=True) if email})


def instance_disconnected_email_send(*, instance_id: int, text: str) -> int:
    """Send the "number disconnected" email; returns how many were sent."""
    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return 0
    recipients = instance_operator_emails(instance=instance)
    if not recipients:
        return 0
    subject = _("[Z-API Fleet] %(name)s disconnected") % {"name": instance.name}
    body = "\n\n".join(
        [
            text,
            _("Pair it again from the dashboard: %(url)s")
            % {"url": f"{settings.PUBLIC_BASE_URL}/instances/instance/{instance.pk}/pairing/"},
        ]
    )
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
