"""The demo partner is a reseller: its integrator token is the demo sandbox account's."""

from __future__ import annotations

import pytest

from partners.demo import demo_reseller
from partners.models import Customer
from sandbox.demo import DEMO_ACCOUNT
from sandbox.models import SandboxAccount

pytestmark = pytest.mark.django_db


def test_demo_partner_holds_the_sandbox_token_and_a_customer(partner):
    demo_reseller(partner)
    demo_reseller(partner)  # idempotent
    partner.refresh_from_db()
    account = SandboxAccount.objects.get(name=DEMO_ACCOUNT)
    assert str(partner.integrator_token) == account.integrator_token
    assert partner.instance_price > 0
    assert Customer.objects.filter(partner=partner).count() == 1
