"""The one door to tenant data. Every page and API query goes through ``for_user``.

Superusers and staff operators (``is_staff``) see every partner; everyone else sees the
partners they are members of. An object of another tenant is simply not in the queryset,
so ``get_object_or_404`` answers 404 and nothing says it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from partners.roles import CAPABILITIES, Capability, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    from partners.models import Partner

    AnyUser = AbstractUser | AnonymousUser

_M = TypeVar("_M", bound=models.Model)


def sees_every_partner(user: AnyUser) -> bool:
    return bool(user.is_active and (user.is_superuser or getattr(user, "is_staff", False)))


def partner_ids_for(user: AnyUser) -> Any:
    """A subquery of the partner ids the user belongs to (a partner's API key: its own)."""
    from partners.models import Membership

    scoped = getattr(user, "api_partner_ids", None)
    if scoped is not None:
        return list(scoped)

    return Membership.objects.filter(user_id=user.pk or 0).values("partner_id")


class TenantQuerySet(models.QuerySet[_M]):
    """Base queryset of every tenant-owned model. ``tenant_path`` is the lookup from the
    model to its ``Partner`` (``"partner"``, ``"instance__partner"``...)."""

    tenant_path = "partner"

    def for_user(self, user: AnyUser) -> TenantQuerySet[_M]:
        if sees_every_partner(user):
            return self.all()
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(**{f"{self.tenant_path}__in": partner_ids_for(user)})

    def where_user_can(self, user: AnyUser, *capabilities: Capability) -> TenantQuerySet[_M]:
        """The rows whose partner lets ``user`` do one of ``capabilities``: what a bulk
        action may touch (a user may hold different roles at different partners)."""
        ids: set[int] = set()
        for capability in capabilities:
            where = partners_where(user, capability)
            if where is None:
                return self.for_user(user)
            ids |= where
        return self.for_user(user).filter(**{f"{self.tenant_path}__in": ids})


def memberships_of(user: AnyUser) -> dict[int, set[Role]]:
    """The user's roles by partner id, read once per user object (so once per request: a
    page asks for permissions many times)."""
    from partners.models import Membership

    if not user.is_authenticated:
        return {}
    cached: dict[int, set[Role]] | None = getattr(user, "_fleet_memberships", None)
    if cached is None:
        cached = {}
        rows = Membership.objects.filter(user_id=user.pk).values_list("partner_id", "role")
        for partner_id, role in rows:
            cached.setdefault(partner_id, set()).add(Role(role))
        user._fleet_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: AnyUser, partner: Partner | None = None) -> set[Role]:
    memberships = memberships_of(user)
    if partner is not None:
        return set(memberships.get(partner.pk, set()))
    return set().union(*memberships.values())


def user_can(user: AnyUser, capability: Capability, partner: Partner | None = None) -> bool:
    """May ``user`` do ``capability`` (for ``partner``, or for some partner when None)?"""
    if not user.is_active:
        return False
    if sees_every_partner(user):
        return True
    return any(capability in CAPABILITIES[role] for role in roles_of(user, partner))


def partners_where(user: AnyUser, capability: Capability) -> set[int] | None:
    """Ids of the partners where ``user`` may do ``capability``; None means every partner.

    One query, for list pages that decide per row."""
    if not user.is_active:
        return set()
    if sees_every_partner(user):
        return None
    return {
        partner_id
        for partner_id, roles in memberships_of(user).items()
        if any(capability in CAPABILITIES[role] for role in roles)
    }
