"""``manage.py billing_invoice`` reproduces the spec's example from our instances' dates."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from partners.models import Customer
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db


def local(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hour))


def invoice(partner, month: str) -> dict:
    out = StringIO()
    call_command("billing_invoice", "--partner", partner.name, "--due-month", month, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def spec_fleet(partner):
    partner.instance_price = Decimal("45.00")
    partner.save()
    bakery = Customer.objects.create(partner=partner, name="Bakery", resale_price=Decimal("60"))
    made = []
    for count, day in [(40, local(2027, 4, 1)), (1, local(2027, 5, 1)), (2, local(2027, 5, 10)),
                       (5, local(2027, 5, 15)), (3, local(2027, 5, 20))]:  # fmt: skip
        for _ in range(count):
            made.append(InstanceFactory(partner=partner, subscription_state="subscribed",
                                        subscribed_at=day, customer=bakery))  # fmt: skip
    InstanceFactory(partner=partner, subscription_state="trial")  # free
    return made


def test_the_invoice_of_june_holds_51_instances(partner, spec_fleet):
    data = invoice(partner, "2027-06")
    assert (data["due_date"], data["count"], data["total"]) == ("2027-06-05", 51, "2295.00")
    assert data["revenue"] == "3060.00" and data["margin"] == "765.00"
    line = data["lines"][0]
    assert line["customer"] == "Bakery"
    assert line["reason"].startswith("subscribed on 2027-0")


def test_ten_cancelled_on_10_june_are_still_on_july_and_gone_in_august(partner, spec_fleet):
    for instance in spec_fleet[:10]:
        instance.subscription_state, instance.cancelled_at = "cancelled", local(2027, 6, 10)
        instance.save()
    july = invoice(partner, "2027-07")
    assert july["count"] == 51
    cancelled = [line for line in july["lines"] if line["active_until"]]
    assert len(cancelled) == 10 and cancelled[0]["active_until"] == "2027-07-10"
    assert invoice(partner, "2027-08")["count"] == 41


def test_a_late_evening_subscription_counts_on_its_local_date(partner, settings):
    # 31 May 23:30 in São Paulo is already 1 June in UTC: the local date decides.
    InstanceFactory(partner=partner, subscribed_at=local(2027, 5, 31, 23))
    assert invoice(partner, "2027-06")["count"] == 1


@pytest.mark.parametrize("month", ["2027-13", "June", "2027"])
def test_a_bad_month_is_a_clear_error(partner, month):
    with pytest.raises(CommandError, match="--due-month"):
        invoice(partner, month)


def test_an_unknown_partner_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No partner named"):
        call_command("billing_invoice", "--partner", "Nobody", "--due-month", "2027-06")
