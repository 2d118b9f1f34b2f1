"""Pictures drawn server-side as inline SVG: the 24-hour uptime strip."""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _

from instances.selectors import UptimeHour

CELL, GAP, HEIGHT = 4, 1, 14


def _colour(total: int, up: int) -> str:
    if not total:
        return "#d0d0d0"  # no observation that hour
    if up / total >= 0.999:
        return "#28a745"
    if up:
        return "#e0a800"
    return "#dc3545"


# A fleet page draws 2,400 cells, and nearly all of them are one of a few dozen: the same
# hour of the same window, every probe up. Each is built once (``bench/README.md``, "fleet
# list"); every value in it is a number, a fixed colour or an "HH:00" string, nothing to
# escape, so it is plain formatting (format_html per cell was once most of the list's time).
@lru_cache(maxsize=16_384)
def _cell(n: int, hour: str, total: int, up: int) -> str:
    return (
        f'<rect x="{n * (CELL + GAP)}" y="0" width="{CELL}" height="{HEIGHT}" '
        f'fill="{_colour(total, up)}"><title>{hour} · {up}/{total}</title></rect>'
    )


@lru_cache(maxsize=256)
def _hour(start: datetime, zone: tzinfo) -> str:
    """ "HH:00" of the hour that starts at ``start``, in ``zone``."""
    return f"{localtime(start, zone):%H}:00"


def uptime_strip(hours: list[UptimeHour]) -> SafeString:
    """One cell per hour, oldest first; the tooltip says the hour (local time) and how many
    probes were up of how many."""
    width = len(hours) * (CELL + GAP)
    up = sum(h.up for h in hours)
    total = sum(h.total for h in hours)
    label = (
        _("%(pct)d%% up over the last 24 h") % {"pct": round(100 * up / total)}
        if total
        else _("no probes in the last 24 h")
    )
    zone = get_current_timezone()
    cells = mark_safe(  # noqa: S308
        "".join(_cell(n, _hour(h.start, zone), h.total, h.up) for n, h in enumerate(hours))
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
