"""API test fixtures: keys made through the service, clients that send them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import api_key_create
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory


@pytest.fixture
def other_admin(other_partner):
    return MembershipFactory(
        partner=other_partner, role=Role.PARTNER_ADMIN, user__username="gus"
    ).user


def make_key(by, partner=None, role: str = Role.OPERATOR, **kwargs) -> str:
    _key, secret = api_key_create(
        by=by, name="CRM", partner=partner, role=role if partner else "", **kwargs
    )
    return secret


def key_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def operator_key(partner, partner_admin) -> str:
    return make_key(partner_admin, partner, Role.OPERATOR)


@pytest.fixture
def api(operator_key) -> APIClient:
    """The partner's CRM: an operator key of ``partner``."""
    return key_client(operator_key)


@pytest.fixture
def other_api(other_partner, other_admin) -> APIClient:
    """Another tenant's key (a partner admin's, so it may do everything at home)."""
    return key_client(make_key(other_admin, other_partner, Role.PARTNER_ADMIN))


@pytest.fixture
def foreign_instance(other_partner):
    return InstanceFactory(partner=other_partner, name="Globex 1")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counts live in the shared cache (Redis): start every test at zero.
    from django.core.cache import cache

    cache.clear()
