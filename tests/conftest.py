"""Fixtures shared by every test. The database is the real PostgreSQL and the cache and
broker the real Redis (``config.settings.test``); a test that would skip for want of them
fails instead (see ``pytest_sessionfinish`` below)."""

from __future__ import annotations

import pytest
from django.test import Client

from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory, PartnerFactory, UserFactory
from tests.fakes import FakeZapi, install, uninstall

pytest_plugins = ["tests.live"]


@pytest.fixture
def fake_zapi():
    """Z-API answered in memory at the transport (``tests.fakes.FakeZapi``)."""
    fake = FakeZapi()
    install(fake)
    yield fake
    uninstall()


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Acme")


@pytest.fixture
def other_partner(db):
    return PartnerFactory(name="Globex")


@pytest.fixture
def instance(partner):
    return InstanceFactory(partner=partner, name="Sales 1")


@pytest.fixture
def operator(partner):
    """A user with the operator role at ``partner`` and nothing else."""
    return MembershipFactory(partner=partner, role=Role.OPERATOR, user__username="olga").user


@pytest.fixture
def partner_admin(partner):
    """A user with the partner admin role at ``partner`` (every capability there)."""
    return MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN, user__username="pat").user


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def _webhook_wake_forgotten():
    """Each test starts as a new process would: not having seen the drain's wake mark
    (webhooks.services.webhook_drain_wake remembers it for LOCAL_WAKE_SECONDS)."""
    import math

    from webhooks import services

    services._mark_seen_at = -math.inf
    yield


def pytest_sessionfinish(session, exitstatus):
    # No test may skip: here a skip means a missing service (PostgreSQL, Redis, Chromium),
    # and a run that skipped proved less than it claims.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1
