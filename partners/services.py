"""Writes on partners and memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
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


def user_create(*, username: str, password: str, email: str = "") -> AbstractUser:
    user_model = get_user_model()
    user: AbstractUser = user_model.objects.create_user(
        username=username, password=password, email=email
    )
    return user
