"""Reads for the partner pages and commands: billing projections from our own subscription
and cancellation dates (``partners.billing`` holds the rules)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from instances.models import Instance
from partners.billing import Billable, BillingRules, Invoice, invoice_build, invoices_build
from partners.models import Partner


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def billables_of(*, partner: Partner, customer_id: int | None = None) -> list[Billable]:
    """Every instance of ``partner`` that was ever subscribed, as billing sees it (one query)."""
    rows = (
        Instance.objects.filter(partner=partner, subscribed_at__isnull=False)
        .select_related("customer")
        .order_by("name", "pk")
    )
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    return [
        Billable(
            instance_id=row.pk,
            name=row.name,
            subscribed_on=_local_date(row.subscribed_at),
            cancelled_on=_local_date(row.cancelled_at),
            customer_id=row.customer_id,
            customer=row.customer.name if row.customer else "",
            resale_price=row.customer.resale_price if row.customer else None,
        )
        for row in rows
    ]


def partner_invoice(*, partner: Partner, due: date, rules: BillingRules | None = None) -> Invoice:
    rules = rules or BillingRules.from_settings()
    return invoice_build(
        billables_of(partner=partner), due=due, price=partner.instance_price, rules=rules
    )


def partner_invoices_next(
    *, partner: Partner, today: date | None = None, count: int = 6,
    rules: BillingRules | None = None,
) -> list[Invoice]:  # fmt: skip
    """The next ``count`` invoices, the first due on or after ``today``."""
    rules = rules or BillingRules.from_settings()
    dues = rules.next_due_dates(today or timezone.localdate(), count)
    return invoices_build(
        billables_of(partner=partner), dues=dues, price=partner.instance_price, rules=rules
    )
