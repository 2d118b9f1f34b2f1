"""The one way to write the audit log: ``audit_record(...)``, called by every service or
view that does something sensitive (see ``AuditAction``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from core.logging import redact

if TYPE_CHECKING:
    from django.http import HttpRequest

    from instances.models import Instance
    from partners.models import Partner


def audit_record(
    *,
    actor: Any,
    partner: Partner | None,
    action: AuditAction | str,
    target: models.Model | str | None = None,
    instance: Instance | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` (a user, or None for the system) did ``action`` at ``partner``.

    ``target`` names the object (a model's ``str`` or a short text); ``instance`` links the
    number concerned; ``ip`` is where the request came from (``request_ip``); ``details``
    is a small JSON object, passed through the secret redactor."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if partner is None and instance is not None:
        partner = instance.partner
    return AuditEntry.objects.create(
        actor=user,
        actor_name=str(user.get_username() if user else (actor or ""))[:150],
        partner=partner,
        action=AuditAction(action),
        instance=instance,
        target=redact(str(target))[:200] if target is not None else "",
        ip=ip or None,
        details=_redacted(details or {}),
    )


def request_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it. ``X-Forwarded-For`` is not trusted: any
    client can write it."""
    return request.META.get("REMOTE_ADDR") or None


def audit_purge(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention (``AUDIT_RETENTION_DAYS``)."""
    days = settings.AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return AuditEntry.objects.filter(at__lt=cutoff).delete()[0]


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value if isinstance(value, int | float | bool) or value is None else str(value)
