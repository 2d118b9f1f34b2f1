"""The demo partner as a reseller (README run command): it holds the demo sandbox account's
integrator token (so "New instance" works offline), a price per instance and one customer
with a resale price. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from partners.models import Customer, Partner

DEMO_PRICE = Decimal("45.00")


def demo_reseller(partner: Partner) -> None:
    from sandbox.demo import DEMO_ACCOUNT
    from sandbox.models import SandboxAccount

    account, _ = SandboxAccount.objects.get_or_create(name=DEMO_ACCOUNT)
    changed = []
    if str(partner.integrator_token) != account.integrator_token:
        partner.integrator_token = account.integrator_token
        changed.append("integrator_token")
    if not partner.instance_price:
        partner.instance_price = DEMO_PRICE
        changed.append("instance_price")
    if changed:
        partner.save(update_fields=changed)
    Customer.objects.get_or_create(
        partner=partner, name="Padaria Central", defaults={"resale_price": Decimal("69.90")}
    )
