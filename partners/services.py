"""Writes on partners and memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from partners.models import Customer, Membership, Partner
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


# -- members: a partner admin invites, changes roles and removes, without staff rights ------


def _admins_left(partner: Partner, *, without: Membership) -> bool:
    others = Membership.objects.filter(partner=partner, role=Role.PARTNER_ADMIN)
    return others.exclude(pk=without.pk).exists()


@transaction.atomic
def member_invite(*, partner: Partner, email: str, role: Role) -> Membership:
    """Give ``email`` the role at ``partner``. A person without a login gets one (no
    password) and an email with a link to choose a password; one who has a login gets the
    membership and an email saying so. Refused if already a member."""
    email = email.strip().lower()
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if user is None:
        user = user_model.objects.create_user(username=email, email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif Membership.objects.filter(user=user, partner=partner).exists():
        raise ValidationError(_("%(email)s is already a member."), params={"email": email})
    membership = Membership.objects.create(user=user, partner=partner, role=role)
    transaction.on_commit(lambda: _invitation_send(membership, new_login=created))
    return membership


def _invitation_send(membership: Membership, *, new_login: bool) -> None:
    user, partner = membership.user, membership.partner
    link = f"{settings.PUBLIC_BASE_URL}{reverse('admin:index')}"
    if new_login:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        path = reverse(
            "password_reset_confirm",
            kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
        )
        link = f"{settings.PUBLIC_BASE_URL}{path}"
    send_mail(
        _("You are a member of %(partner)s on Z-API Fleet") % {"partner": partner.name},
        _("You are now %(role)s at %(partner)s. Open %(link)s to start.")
        % {"role": membership.get_role_display(), "partner": partner.name, "link": link},
        None,
        [user.email],
    )


@transaction.atomic
def member_role_change(*, membership: Membership, role: Role) -> Membership:
    """Change a member's role; the last partner admin stays one."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    demoted = locked.role == Role.PARTNER_ADMIN and role != Role.PARTNER_ADMIN
    if demoted and not _admins_left(locked.partner, without=locked):
        raise ValidationError(_("A partner keeps at least one partner admin."))
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Remove a member from the partner (the login stays: it may belong to others)."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.PARTNER_ADMIN and not _admins_left(locked.partner, without=locked):
        raise ValidationError(_("A partner keeps at least one partner admin."))
    locked.delete()


def instance_customer_set(*, instance: Any, customer: Customer | None) -> None:
    """Give an instance to one of its partner's customers (or to none)."""
    if customer is not None and customer.partner_id != instance.partner_id:
        raise ValueError("the customer belongs to another partner")
    type(instance).objects.filter(pk=instance.pk).update(customer=customer)
    instance.customer = customer
