"""Pictures drawn server-side as inline SVG: the 24-hour uptime strip."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from instances.selectors import UptimeHour

CELL, GAP, HEIGHT = 4, 1, 14


def _colour(hour: UptimeHour) -> str:
    ratio = hour.ratio
    if ratio is None:
        return "#d0d0d0"  # no observation that hour
    if ratio >= 0.999:
        return "#28a745"
    if ratio > 0:
        return "#e0a800"
    return "#dc3545"


def uptime_strip(hours: list[UptimeHour]) -> SafeString:
    """One cell per hour, oldest first; the tooltip says the hour and how many probes."""
    width = len(hours) * (CELL + GAP)
    observed = [h for h in hours if h.total]
    up = sum(h.up for h in observed)
    total = sum(h.total for h in observed)
    label = (
        _("%(pct)d%% up over the last 24 h") % {"pct": round(100 * up / total)}
        if total
        else _("no probes in the last 24 h")
    )
    # Built with plain formatting: every value is a number, a fixed colour or an "HH:00"
    # string, nothing to escape; format_html per cell was most of the fleet list's time.
    step = CELL + GAP
    cells = mark_safe(  # noqa: S308
        "".join(
            f'<rect x="{n * step}" y="0" width="{CELL}" height="{HEIGHT}" fill="{_colour(h)}">'
            f"<title>{h.start:%H}:00 · {h.up}/{h.total}</title></rect>"
            for n, h in enumerate(hours)
        )
    )
    return format_html(
        '<svg class="uptime" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        label,
        width,
        HEIGHT,
        width,
        HEIGHT,
        cells,
    )
