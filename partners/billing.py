"""Z-API's billing rules for integrators (spec 001, "Partners > Invoicing"), as pure
functions on dates: no database, no clock. ``partners.selectors`` feeds them our rows.

What the spec says:

- instances subscribed between the 1st and the last day of a month are billed together on
  an invoice due on the 5th of the next month (the example: 40 by 1 April, 11 more in May
  -> 51 on the invoice of 5 June);
- a cancelled instance stays active for 30 days after the cancellation date and "you will
  still be charged on your next invoice" (10 cancelled on 10 June: "cancelled until 10 July",
  still on the invoice of 5 July);
- no pro rata; trials are free (an instance never subscribed is never billed).

Where the spec is silent we chose, and each choice is a setting (``BillingRules.from_settings``)
and is said on the invoice page:

- ``cancelled_rule = "until_active_end"`` (default): a cancelled instance is on every invoice
  due on or before its active-until date, and at least on its first invoice (so cancelling in
  the month of subscribing still bills that month once). In practice that is the next
  invoice, two when a short February puts the next-but-one 5th inside the 30 days.
  ``"active_months"``: on the invoice of every month it was active in, including the month
  its active-until date falls in (one invoice more).
- "30 days" are calendar days counted from the cancellation date (31 January -> 2 March).
- Dates are local dates in ``TIME_ZONE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

CancelledRule = Literal["until_active_end", "active_months"]
CANCELLED_RULES: tuple[CancelledRule, ...] = ("until_active_end", "active_months")


@dataclass(frozen=True)
class BillingRules:
    invoice_day: int = 5  # spec: due on the 5th
    cancel_active_days: int = 30  # spec: active 30 days after cancelling
    cancelled_rule: CancelledRule = "until_active_end"

    def __post_init__(self) -> None:
        if not 1 <= self.invoice_day <= 28:
            raise ValueError("invoice_day must be between 1 and 28 (every month has it)")
        if self.cancel_active_days < 0:
            raise ValueError("cancel_active_days cannot be negative")
        if self.cancelled_rule not in CANCELLED_RULES:
            raise ValueError(f"cancelled_rule must be one of {CANCELLED_RULES}")

    @classmethod
    def from_settings(cls) -> BillingRules:
        from django.conf import settings

        return cls(
            invoice_day=settings.BILLING_INVOICE_DAY,
            cancel_active_days=settings.BILLING_CANCEL_ACTIVE_DAYS,
            cancelled_rule=settings.BILLING_CANCELLED_RULE,
        )

    # -- dates ------------------------------------------------------------------------------
    def due_date(self, year: int, month: int) -> date:
        return date(year, month, self.invoice_day)

    def first_invoice(self, subscribed_on: date) -> date:
        """The invoice that first bills an instance subscribed on ``subscribed_on``: the 5th
        of the next month, whatever day of the month (no pro rata)."""
        year, month = _next_month(subscribed_on.year, subscribed_on.month)
        return self.due_date(year, month)

    def active_until(self, cancelled_on: date) -> date:
        return cancelled_on + timedelta(days=self.cancel_active_days)

    def last_invoice(self, subscribed_on: date, cancelled_on: date) -> date:
        """The last invoice that bills an instance cancelled on ``cancelled_on``."""
        until = self.active_until(cancelled_on)
        if self.cancelled_rule == "active_months":
            year, month = _next_month(until.year, until.month)
            last = self.due_date(year, month)
        else:
            last = self.due_date(until.year, until.month)
            if last > until:  # the 5th of that month comes after it stopped: the one before
                year, month = _previous_month(until.year, until.month)
                last = self.due_date(year, month)
        return max(last, self.first_invoice(subscribed_on))

    def next_due_dates(self, today: date, count: int) -> list[date]:
        """The next ``count`` invoice due dates, the first on or after ``today``."""
        due = self.due_date(today.year, today.month)
        year, month = today.year, today.month
        if due < today:
            year, month = _next_month(year, month)
        dates = []
        for _ in range(count):
            dates.append(self.due_date(year, month))
            year, month = _next_month(year, month)
        return dates


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


# -- what is billed --------------------------------------------------------------------------
@dataclass(frozen=True)
class Billable:
    """One instance as billing sees it."""

    instance_id: int
    name: str
    subscribed_on: date | None
    cancelled_on: date | None = None
    customer_id: int | None = None
    customer: str = ""
    resale_price: Decimal | None = None  # the customer's price, None when not resold


@dataclass(frozen=True)
class InvoiceLine:
    billable: Billable
    reason: str  # why it is billed, in words (English; the page translates its own)
    active_until: date | None
    cost: Decimal
    revenue: Decimal | None

    @property
    def margin(self) -> Decimal | None:
        return None if self.revenue is None else self.revenue - self.cost


@dataclass(frozen=True)
class Invoice:
    due_date: date
    lines: list[InvoiceLine] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def total(self) -> Decimal:
        """What Z-API charges (the partner's cost)."""
        return sum((line.cost for line in self.lines), Decimal("0.00"))

    @property
    def revenue(self) -> Decimal:
        """What the partner charges its customers (resold lines only)."""
        return sum((line.revenue or Decimal("0") for line in self.lines), Decimal("0.00"))

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.total

    def by_customer(self) -> list[tuple[str, list[InvoiceLine]]]:
        """Lines grouped by customer name (no customer last), each group in line order."""
        groups: dict[str, list[InvoiceLine]] = {}
        for line in self.lines:
            groups.setdefault(line.billable.customer, []).append(line)
        return sorted(groups.items(), key=lambda item: (item[0] == "", item[0].lower()))


def billed_on(billable: Billable, due: date, rules: BillingRules) -> bool:
    if billable.subscribed_on is None:
        return False  # a trial (or never subscribed): free
    if due < rules.first_invoice(billable.subscribed_on):
        return False
    if billable.cancelled_on is None:
        return True
    return due <= rules.last_invoice(billable.subscribed_on, billable.cancelled_on)


def line_reason(billable: Billable, rules: BillingRules) -> str:
    assert billable.subscribed_on is not None
    text = f"subscribed on {billable.subscribed_on.isoformat()}"
    if billable.cancelled_on is not None:
        until = rules.active_until(billable.cancelled_on)
        text += (
            f"; cancelled on {billable.cancelled_on.isoformat()}, active until {until.isoformat()}"
        )
    return text


def invoice_build(
    billables: Iterable[Billable], *, due: date, price: Decimal, rules: BillingRules
) -> Invoice:
    """The invoice due on ``due``: every billed instance at ``price``, no pro rata."""
    lines = []
    for billable in billables:
        if not billed_on(billable, due, rules):
            continue
        until = rules.active_until(billable.cancelled_on) if billable.cancelled_on else None
        lines.append(
            InvoiceLine(
                billable=billable,
                reason=line_reason(billable, rules),
                active_until=until,
                cost=price,
                revenue=billable.resale_price,
            )
        )
    return Invoice(due_date=due, lines=lines)


def invoices_build(
    billables: Sequence[Billable], *, dues: Iterable[date], price: Decimal, rules: BillingRules
) -> list[Invoice]:
    return [invoice_build(billables, due=due, price=price, rules=rules) for due in dues]
