"""Reads of the API app: which keys a person may see and manage."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from api.models import ApiKey
from partners.models import Partner
from partners.roles import Capability
from partners.scoping import partners_where


def api_keys_managed_by(user: Any) -> QuerySet[ApiKey]:
    """Partner keys where the user may manage keys, and the user's own personal keys."""
    partner_ids = partners_where(user, Capability.MANAGE_API_KEYS)
    own = Q(user_id=user.pk) if user.is_authenticated and user.pk else Q(pk__in=[])
    if partner_ids is None:
        scope = Q(partner__isnull=False) | own
    else:
        scope = Q(partner_id__in=partner_ids) | own
    return ApiKey.objects.filter(scope).select_related("partner", "user", "created_by")


def partners_for_api_keys(user: Any) -> QuerySet[Partner]:
    ids = partners_where(user, Capability.MANAGE_API_KEYS)
    return Partner.objects.all() if ids is None else Partner.objects.filter(pk__in=ids)
