"""``manage.py billing_invoice --partner NAME --due-month YYYY-MM``: the projected invoice due
on the 5th of that month (spec 001 billing rules, see partners/billing.py), as JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.billing import BillingRules, Invoice
from partners.management.commands._common import partner_named
from partners.selectors import partner_invoice


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
    except ValueError:
        raise CommandError(f"--due-month must look like 2027-06, not {value!r}.") from None
    return year, month


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    def money(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "due_date": invoice.due_date.isoformat(),
        "currency": settings.BILLING_CURRENCY,
        "count": invoice.count,
        "total": money(invoice.total),
        "revenue": money(invoice.revenue),
        "margin": money(invoice.margin),
        "lines": [
            {
                "instance": line.billable.name,
                "instance_pk": line.billable.instance_id,
                "customer": line.billable.customer or None,
                "reason": line.reason,
                "active_until": line.active_until.isoformat() if line.active_until else None,
                "cost": money(line.cost),
                "resale_price": money(line.revenue),
                "margin": money(line.margin),
            }
            for line in invoice.lines
        ],
    }


class Command(BaseCommand):
    help = "Print the projected invoice of a partner due in a month (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="Partner name.")
        parser.add_argument("--due-month", required=True, help="YYYY-MM of the due date.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = partner_named(options["partner"])
        rules = BillingRules.from_settings()
        year, month = _month(options["due_month"])
        invoice = partner_invoice(partner=partner, due=rules.due_date(year, month), rules=rules)
        self.stdout.write(json.dumps(invoice_json(invoice), ensure_ascii=False))
