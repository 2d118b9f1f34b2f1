"""The next invoices as a bar chart, drawn server-side as inline SVG (no JavaScript)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partners.billing import Invoice

WIDTH, HEIGHT, BAR, TOP, BOTTOM = 480, 180, 48, 22, 34


def invoices_chart(invoices: list[Invoice], *, currency: str) -> SafeString:
    """One bar per invoice, its height the total (or the count when nothing has a price)."""
    by_money = any(invoice.total for invoice in invoices)
    values = [invoice.total if by_money else Decimal(invoice.count) for invoice in invoices]
    highest = max(values, default=Decimal(0)) or Decimal(1)
    slot = WIDTH / max(len(invoices), 1)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for n, (invoice, value) in enumerate(zip(invoices, values, strict=True)):
        height = float(value / highest) * plot
        x = n * slot + (slot - BAR) / 2
        y = TOP + plot - height
        label = f"{currency} {invoice.total}" if by_money else str(invoice.count)
        tip = _("%(date)s: %(count)d instances, %(currency)s %(total)s") % {
            "date": invoice.due_date.isoformat(), "count": invoice.count,
            "currency": currency, "total": invoice.total,
        }  # fmt: skip
        bars.append((x, y, height, x + BAR / 2, label, invoice.due_date.strftime("%d/%m"), tip))
    body = format_html_join(
        "",
        '<g><title>{6}</title><rect x="{0}" y="{1}" width="48" height="{2}" '
        'rx="3" fill="#417690"></rect>'
        '<text x="{3}" y="{7}" text-anchor="middle" font-size="11">{4}</text>'
        '<text x="{3}" y="{8}" text-anchor="middle" font-size="11">{5}</text></g>',
        ((f"{x:.1f}", f"{y:.1f}", f"{h:.1f}", f"{cx:.1f}", label, day, tip, f"{y - 6:.1f}",
          HEIGHT - 12) for x, y, h, cx, label, day, tip in bars),
    )  # fmt: skip
    return format_html(
        '<svg class="invoice-chart" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#999"></line>{}</svg>',
        _("The next invoices"), WIDTH, HEIGHT, WIDTH, HEIGHT,
        HEIGHT - BOTTOM, WIDTH, HEIGHT - BOTTOM, body,
    )  # fmt: skip
