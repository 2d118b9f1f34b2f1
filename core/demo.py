"""Demo data for the README's run command: a partner, its people, and (once the sandbox
exists) a small living fleet. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from config.settings.parts import local_secret
from partners.models import Partner
from partners.roles import Role
from partners.services import membership_grant, partner_get_or_create

DEMO_PARTNER = "Demo Partner"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    what: str


def _user(username: str, *, staff: bool, superuser: bool) -> Login:
    password = local_secret(settings.VAR_DIR, f"demo_password_{username}", secrets.token_urlsafe)
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={"is_staff": staff, "is_superuser": superuser, "email": f"{username}@localhost"},
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return Login(username, password, "")


# One login per role at the demo partner (username, role, what it is for).
DEMO_ROLES: list[tuple[str, Role, str]] = [
    ("operator", Role.OPERATOR, "pairs, configures and sends"),
    ("support", Role.SUPPORT, "inspects and fixes queues and events"),
    ("partneradmin", Role.PARTNER_ADMIN, "everything at the partner, members included"),
    ("partnermember", Role.PARTNER_MEMBER, "provisioning and billing"),
]


@transaction.atomic
def demo_load() -> list[Login]:
    partner: Partner = partner_get_or_create(name=DEMO_PARTNER)
    admin = _user("admin", staff=True, superuser=True)
    user_model = get_user_model()
    logins = []
    for username, role, what in DEMO_ROLES:
        login = _user(username, staff=False, superuser=False)
        membership_grant(user=user_model.objects.get(username=username), partner=partner, role=role)
        logins.append(Login(username, login.password, f"{role.label} of {DEMO_PARTNER}: {what}"))
    for hook in DEMO_HOOKS:
        hook(partner)
    return [
        *logins,
        Login(admin.username, admin.password, "staff admin: every partner, the sandbox console"),
    ]


# Apps that add demo rows (the sandbox's fleet, messages...) append a callable here.
DEMO_HOOKS: list = []
