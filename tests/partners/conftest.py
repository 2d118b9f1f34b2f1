"""Fixtures of the partner tests: a sandbox account whose integrator token a partner holds,
partner members, and the app over real HTTP (``live_url``) as Z-API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from partners.roles import Role
from sandbox.models import SandboxAccount
from tests.factories import MembershipFactory


@pytest.fixture
def account(db):
    return SandboxAccount.objects.create(name="Reseller account")


@pytest.fixture
def reseller(partner, account):
    """``partner`` holding the sandbox account's integrator token, priced."""
    partner.integrator_token = account.integrator_token
    partner.instance_price = Decimal("45.00")
    partner.save()
    return partner


@pytest.fixture
def member(partner):
    return MembershipFactory(partner=partner, role=Role.PARTNER_MEMBER, user__username="paula").user


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client
