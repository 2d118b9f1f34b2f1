"""The one way to write the audit log: ``audit_record(...)``, called by every service or
view that does something sensitive (see ``AuditAction``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
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
    is a small JSON object, passed through the secret redactor.

    A call through the API names its key as the actor (``acting_api_key``, set by
    ``api.services.api_key_authenticate``): a partner key is no person; a staff person's own
    key is that person, through that key."""
    user, name, api_key = _actor(actor)
    if partner is None and instance is not None:
        partner = instance.partner
    if api_key is not None:
        details = {**(details or {}), "api_key": api_key.prefix}
    return AuditEntry.objects.create(
        actor=user,
        actor_name=name[:150],
        partner=partner,
        action=AuditAction(action),
        instance=instance,
        target=redact(str(target))[:200] if target is not None else "",
        ip=ip or None,
        details=_redacted(details or {}),
    )


def _actor(actor: Any) -> tuple[Any, str, Any]:
    """(the person or None, the name the log shows, the API key or None)."""
    api_key = getattr(actor, "acting_api_key", None)
    person = actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None
    name = str(person.get_username() if person else (actor or ""))
    if api_key is not None:
        key = f"API key {api_key.name} ({api_key.prefix}…)"
        name = f"{name} · {key}" if person else key
    return person, name, api_key


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
