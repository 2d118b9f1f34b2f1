"""Writes of the API: keys (create, revoke, authenticate) and idempotent answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiKey, IdempotentAnswer
from api.principal import ApiKeyPrincipal
from partners.models import Partner
from partners.roles import Capability, Role
from partners.scoping import user_can

# ``last_used_at`` is written at most this often per key: one small UPDATE a minute, not
# one per request.
LAST_USED_PRECISION = timedelta(seconds=60)


def api_key_create(
    *,
    by: AbstractUser,
    name: str,
    partner: Partner | None = None,
    role: Role | str = "",
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret (shown once, never stored). With ``partner`` it acts there
    as ``role``; without, it is ``by``'s own key (staff only) and acts as them."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the key a name."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry must be in the future."))
    if partner is None:
        if not (by.is_active and by.is_staff):
            raise PermissionDenied
        return ApiKey.objects.create_key(
            name=name[:50], user=by, created_by=by, expiry_date=expires_at
        )
    if not user_can(by, Capability.MANAGE_API_KEYS, partner):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError(_("Choose the role the key acts as."))
    return ApiKey.objects.create_key(
        name=name[:50], partner=partner, role=role, created_by=by, expiry_date=expires_at
    )


def api_key_revoke(*, api_key: ApiKey) -> bool:
    """Revoke for good (the library refuses to un-revoke). False if it already was."""
    return bool(
        ApiKey.objects.filter(pk=api_key.pk, revoked=False).update(
            revoked=True, revoked_at=timezone.now()
        )
    )


def api_key_authenticate(*, key: str) -> tuple[Any, ApiKey] | None:
    """(principal, key) for a usable key, else None. The principal of a partner key is an
    ``ApiKeyPrincipal``; a staff person's key acts as that person while they are staff."""
    prefix, dot, _secret = key.partition(".")
    if not dot or not prefix:
        return None
    api_key = ApiKey.objects.usable().select_related("user", "partner").filter(prefix=prefix)
    found = api_key.first()
    if found is None or not found.is_valid(key):
        return None
    now = timezone.now()
    ApiKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION),
        pk=found.pk,
    ).update(last_used_at=now)
    if found.user is not None:
        if not (found.user.is_active and found.user.is_staff):
            return None
        # The person acts through this key: the audit log names both.
        found.user.acting_api_key = found
        return found.user, found
    return ApiKeyPrincipal(found), found


# -- Idempotency-Key ------------------------------------------------------------------------


class IdempotencyMismatch(Exception):
    """The key was used before for a different request."""


def request_fingerprint(*, method: str, path: str, data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def idempotent(
    *, owner: str, key: str, fingerprint: str, work: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any], bool]:
    """Run ``work`` once per (owner, key): (status, body, replayed).

    The answer row is inserted before the work, in the same transaction: a concurrent retry
    blocks on the unique constraint until the first commits, then replays its answer; if the
    work fails (a validation error), everything rolls back and a retry runs it afresh."""
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotentAnswer.objects.filter(owner=owner, key=key, created_at__lt=cutoff).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                answer = IdempotentAnswer.objects.create(
                    owner=owner, key=key, fingerprint=fingerprint, status_code=0
                )
        except IntegrityError:
            answer = None
        if answer is None:
            stored = IdempotentAnswer.objects.get(owner=owner, key=key)
            if stored.fingerprint != fingerprint:
                raise IdempotencyMismatch
            return stored.status_code, stored.body, True
        status_code, body = work()
        answer.status_code, answer.body = status_code, body
        answer.save(update_fields=["status_code", "body"])
        return status_code, body, False


def idempotent_answers_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    return int(IdempotentAnswer.objects.filter(created_at__lt=cutoff).delete()[0])
