"""Writes on partners and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import transaction

from partners.models import Membership, Partner
from partners.roles import Role


def partner_get_or_create(*, name: str) -> Partner:
    partner, _ = Partner.objects.get_or_create(name=name.strip())
    return partner


@transaction.atomic
def membership_grant(*, user: AbstractUser, partner: Partner, role: Role) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, partner=partner, defaults={"role": role}
    )
    return membership
