"""``manage.py up`` prints a login for every role, and each works (issue 11)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from core.demo import DEMO_PARTNER, demo_load
from partners.roles import Role
from partners.scoping import roles_of

pytestmark = pytest.mark.django_db


def test_demo_data_has_a_working_login_for_every_role_and_staff(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    logins = demo_load()
    assert len(logins) == len(Role) + 1
    roles = set()
    for login in logins:
        user = get_user_model().objects.get(username=login.username)
        assert user.check_password(login.password), login.username
        if user.is_staff:
            assert user.is_superuser and "staff admin" in login.what
            continue
        (role,) = roles_of(user)
        roles.add(role)
        assert DEMO_PARTNER in login.what
    assert roles == set(Role)
    assert [(login.username, login.password) for login in demo_load()] == [
        (login.username, login.password) for login in logins
    ]
