"""The campaign's pictures, drawn server-side as inline SVG: the funnel and progress bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

FUNNEL_COLOURS = ("#79aec8", "#5b9bd5", "#417690", "#28a745", "#1e7e34", "#e0a800")
WIDTH, ROW, GAP, LABEL = 640, 30, 6, 150


def funnel_svg(steps: Sequence[tuple[str, Any, int]], *, failed: int, skipped: int) -> SafeString:
    """One bar per step (audience → queued → sent → delivered → read → replied), its width
    proportional to the audience, with the count and the share; then failed and skipped."""
    top = max(steps[0][2], 1) if steps else 1
    rows = [(str(label), count, colour) for (_key, label, count), colour in
            zip(steps, FUNNEL_COLOURS, strict=False)]  # fmt: skip
    rows += [(_("Failed"), failed, "#dc3545"), (_("Skipped"), skipped, "#999999")]
    span = WIDTH - LABEL - 110
    height = len(rows) * (ROW + GAP)
    bars = format_html_join(
        "",
        '<g transform="translate(0,{})"><text x="0" y="{}" class="funnel-label">{}</text>'
        '<rect x="{}" y="0" width="{}" height="{}" rx="3" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" class="funnel-count">{} · {}%</text></g>',
        (
            (
                n * (ROW + GAP), ROW * 0.65, label,
                LABEL, max(round(span * count / top), 2 if count else 0), ROW, colour, label, count,
                LABEL + max(round(span * count / top), 2) + 8, ROW * 0.65, count,
                round(100 * count / top),
            )
            for n, (label, count, colour) in enumerate(rows)
        ),
    )  # fmt: skip
    return format_html(
        '<svg class="funnel" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        _("Campaign funnel"), WIDTH, height, WIDTH, height, bars,
    )  # fmt: skip


def progress_bar(percent: int, *, width: int = 160, failed: bool = False) -> SafeString:
    """A small bar for the campaign list; red (its track too, so a failure at 0% shows)
    when what it measures failed."""
    done = max(0, min(percent, 100))
    return format_html(
        '<svg class="progress-bar{}" role="img" aria-label="{}%" width="{}" height="12" '
        'viewBox="0 0 {} 12" xmlns="http://www.w3.org/2000/svg">'
        '<rect width="{}" height="12" rx="3" fill="{}"/>'
        '<rect width="{}" height="12" rx="3" fill="{}"/></svg>',
        " bar-failed" if failed else "", done, width, width,
        width, "#f2d4d4" if failed else "#e4e4e4",
        round(width * done / 100), "#ba2121" if failed else "#417690",
    )  # fmt: skip
