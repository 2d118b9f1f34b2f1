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


@transaction.atomic
def demo_load() -> list[Login]:
    partner: Partner = partner_get_or_create(name=DEMO_PARTNER)
    admin = _user("admin", staff=True, superuser=True)
    operator = _user("operator", staff=False, superuser=False)
    user_model = get_user_model()
    membership_grant(
        user=user_model.objects.get(username="operator"), partner=partner, role=Role.OPERATOR
    )
    for hook in DEMO_HOOKS:
        hook(partner)
    return [
        Login(operator.username, operator.password, f"operator of {DEMO_PARTNER}"),
        Login(admin.username, admin.password, "superuser: every partner, the sandbox console"),
    ]


# Apps that add demo rows (the sandbox's fleet, messages...) append a callable here.
DEMO_HOOKS: list = []
