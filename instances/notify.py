"""Telling people about an instance: emails to the partner's operators."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from instances.models import Instance
from partners.roles import CAPABILITIES, Capability


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
