"""The invoice page (per customer, cost, revenue, margin), its CSV per customer and the next
six invoices as a chart. The projection is ours, from our dates (partners/billing.py)."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from partners.billing import BillingRules
from partners.models import Customer
from partners.selectors import partner_invoice, partner_invoices_next
from partners.svg import invoices_chart
from partners.views.common import page_context, partner_for


def _due(request: HttpRequest, rules: BillingRules) -> tuple[date, str]:
    """The due date asked for (``?due=YYYY-MM``), else the next one; and an error to show."""
    value = request.GET.get("due", "")
    if value:
        try:
            year, month = (int(part) for part in value.split("-"))
            return rules.due_date(year, month), ""
        except ValueError:
            error = str(_("“%(value)s” is not a month like 2027-06: showing the next invoice."))
            return rules.next_due_dates(timezone.localdate(), 1)[0], error % {"value": value}
    return rules.next_due_dates(timezone.localdate(), 1)[0], ""


def invoice(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    partner = partner_for(request, partner_id)
    rules = BillingRules.from_settings()
    due, error = _due(request, rules)
    current = partner_invoice(partner=partner, due=due, rules=rules)
    upcoming = partner_invoices_next(partner=partner, rules=rules)
    context = page_context(request, model_admin, partner, title=_("Invoices"), tab="invoice")
    context.update(
        invoice=current,
        groups=current.by_customer(),
        upcoming=upcoming,
        chart=invoices_chart(upcoming, currency=settings.BILLING_CURRENCY),
        currency=settings.BILLING_CURRENCY,
        rules=rules,
        error=error,
        due_month=due.strftime("%Y-%m"),
        customers={c.name: c.pk for c in Customer.objects.filter(partner=partner)},
    )
    return TemplateResponse(request, "partners/invoice.html", context)


def invoice_csv(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    """One customer's lines of an invoice (``?due=YYYY-MM&customer=ID``; no customer: the
    lines without one)."""
    partner = partner_for(request, partner_id)
    rules = BillingRules.from_settings()
    due, _error = _due(request, rules)
    raw = request.GET.get("customer", "")
    customer = None
    if raw.isdigit():
        customer = Customer.objects.filter(partner=partner, pk=int(raw)).first()
        if customer is None:
            return HttpResponse(status=404)
    lines = [
        line
        for line in partner_invoice(partner=partner, due=due, rules=rules).lines
        if line.billable.customer_id == (customer.pk if customer else None)
    ]
    name = slugify(customer.name if customer else "no-customer") or "customer"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoice-{due:%Y-%m}-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["due_date", "instance", "customer", "reason", "active_until",
                     "cost", "resale_price", "margin", "currency"])  # fmt: skip
    for line in lines:
        writer.writerow([
            due.isoformat(), _cell(line.billable.name), _cell(line.billable.customer),
            line.reason, line.active_until.isoformat() if line.active_until else "",
            line.cost, "" if line.revenue is None else line.revenue,
            "" if line.margin is None else line.margin, settings.BILLING_CURRENCY,
        ])  # fmt: skip
    return response


def _cell(value: str) -> str:
    # A name starting with = + - @ would be a formula in a spreadsheet: quote it.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
