"""The billing rules of spec 001 ("Partners > Invoicing") as pure functions on dates: the
spec's own examples, month ends, and the choices made where the spec is silent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from partners.billing import Billable, BillingRules, billed_on, invoice_build

RULES = BillingRules()
PRICE = Decimal("30.00")


def sub(pk: int, on: date, cancelled: date | None = None, **kw) -> Billable:
    return Billable(instance_id=pk, name=f"n{pk}", subscribed_on=on, cancelled_on=cancelled, **kw)


def spec_fleet() -> list[Billable]:
    """40 by 1 April, then 1 on 1 May, 2 on 10 May, 5 on 15 May, 3 on 20 May."""
    batches = [(40, date(2027, 4, 1)), (1, date(2027, 5, 1)), (2, date(2027, 5, 10)),
               (5, date(2027, 5, 15)), (3, date(2027, 5, 20))]  # fmt: skip
    fleet, pk = [], 0
    for count, on in batches:
        for _ in range(count):
            pk += 1
            fleet.append(sub(pk, on))
    return fleet


def test_the_spec_example_bills_51_instances_on_5_june():
    invoice = invoice_build(spec_fleet(), due=date(2027, 6, 5), price=PRICE, rules=RULES)
    assert invoice.count == 51
    assert invoice.total == PRICE * 51


def test_may_subscriptions_are_not_on_the_invoice_of_5_may():
    invoice = invoice_build(spec_fleet(), due=date(2027, 5, 5), price=PRICE, rules=RULES)
    assert invoice.count == 40


def test_ten_cancelled_on_10_june_stay_active_until_10_july_and_are_on_5_july():
    fleet = spec_fleet()
    fleet = [sub(b.instance_id, b.subscribed_on, date(2027, 6, 10)) if b.instance_id <= 10
             else b for b in fleet]  # fmt: skip
    assert RULES.active_until(date(2027, 6, 10)) == date(2027, 7, 10)
    july = invoice_build(fleet, due=date(2027, 7, 5), price=PRICE, rules=RULES)
    assert july.count == 51
    cancelled = [line for line in july.lines if line.active_until]
    assert len(cancelled) == 10
    assert cancelled[0].reason == (
        "subscribed on 2027-04-01; cancelled on 2027-06-10, active until 2027-07-10"
    )
    august = invoice_build(fleet, due=date(2027, 8, 5), price=PRICE, rules=RULES)
    assert august.count == 41


def test_the_other_rule_also_bills_the_month_the_active_days_end_in():
    rules = BillingRules(cancelled_rule="active_months")
    cancelled = sub(1, date(2027, 4, 1), date(2027, 6, 10))
    assert billed_on(cancelled, date(2027, 7, 5), rules)
    assert billed_on(cancelled, date(2027, 8, 5), rules)
    assert not billed_on(cancelled, date(2027, 9, 5), rules)


def test_trials_are_free():
    trial = Billable(instance_id=1, name="t", subscribed_on=None)
    assert not billed_on(trial, date(2027, 6, 5), RULES)


@pytest.mark.parametrize(
    ("subscribed", "first"),
    [
        (date(2027, 1, 31), date(2027, 2, 5)),  # the 31st is still January
        (date(2027, 2, 1), date(2027, 3, 5)),
        (date(2027, 2, 28), date(2027, 3, 5)),  # the last day of a short February
        (date(2028, 2, 29), date(2028, 3, 5)),  # leap year
        (date(2027, 12, 31), date(2028, 1, 5)),  # across the year
    ],
)
def test_subscribed_on_a_month_end_is_billed_from_the_5th_of_the_next_month(subscribed, first):
    billable = sub(1, subscribed)
    assert RULES.first_invoice(subscribed) == first
    month_before = (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
    previous = date(*month_before, 5)
    assert not billed_on(billable, previous, RULES)
    assert billed_on(billable, first, RULES)


def test_a_cancellation_on_the_31st_counts_30_calendar_days_across_february():
    cancelled = sub(1, date(2026, 10, 1), date(2027, 1, 31))
    assert RULES.active_until(date(2027, 1, 31)) == date(2027, 3, 2)
    assert billed_on(cancelled, date(2027, 2, 5), RULES)
    assert not billed_on(cancelled, date(2027, 3, 5), RULES)  # active until 2 March only


def test_a_short_february_puts_two_invoices_inside_the_30_days():
    cancelled = sub(1, date(2026, 10, 1), date(2027, 2, 4))  # active until 6 March
    assert billed_on(cancelled, date(2027, 2, 5), RULES)
    assert billed_on(cancelled, date(2027, 3, 5), RULES)
    assert not billed_on(cancelled, date(2027, 4, 5), RULES)


def test_cancelling_in_the_month_of_subscribing_still_bills_the_first_invoice_once():
    quick = sub(1, date(2027, 5, 3), date(2027, 5, 4))  # active until 3 June, before the 5th
    assert billed_on(quick, date(2027, 6, 5), RULES)
    assert not billed_on(quick, date(2027, 7, 5), RULES)


def test_next_due_dates_start_today_when_today_is_the_5th():
    assert RULES.next_due_dates(date(2027, 6, 5), 2) == [date(2027, 6, 5), date(2027, 7, 5)]
    assert RULES.next_due_dates(date(2027, 12, 6), 2) == [date(2028, 1, 5), date(2028, 2, 5)]


def test_cost_revenue_and_margin_per_customer():
    fleet = [
        sub(1, date(2027, 4, 1), customer_id=7, customer="Bakery", resale_price=Decimal("50")),
        sub(2, date(2027, 4, 1), customer_id=7, customer="Bakery", resale_price=Decimal("50")),
        sub(3, date(2027, 4, 1)),  # no customer: cost only
    ]
    invoice = invoice_build(fleet, due=date(2027, 5, 5), price=PRICE, rules=RULES)
    assert (invoice.total, invoice.revenue, invoice.margin) == (
        Decimal("90.00"), Decimal("100"), Decimal("10.00"))  # fmt: skip
    groups = invoice.by_customer()
    assert [name for name, _ in groups] == ["Bakery", ""]
    assert groups[0][1][0].margin == Decimal("20.00")
    assert groups[1][1][0].margin is None


@pytest.mark.parametrize("bad", [{"invoice_day": 31}, {"cancel_active_days": -1},
                                 {"cancelled_rule": "whenever"}])  # fmt: skip
def test_impossible_rules_are_refused(bad):
    with pytest.raises(ValueError):
        BillingRules(**bad)
