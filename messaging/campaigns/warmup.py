"""The warm-up ramp: how many new recipients a number may reach per day by its age since
pairing.

Spec 001, "Blocks and Bans (2025)": "New numbers sending messages to many different
recipients in a short period of time are easily identified as suspicious", "there are cases
where the ban occurs after just 10 messages sent to different recipients"; and "Maturing the
chip: ... using the phone number on WhatsApp normally before you start sending a lot". So a
number starts low and climbs over its first weeks. The ramp is a list of (from day, limit)
steps, configurable with ``MESSAGING_WARMUP_RAMP`` ("0:10,3:25,7:50,14:100,30:-"; "-" ends
the ramp: from there only the number's own daily cap applies).

This is not a second counter: ``messaging.caps`` counts new recipients once and limits them
to ``min(daily cap, ramp)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

Ramp = Sequence[tuple[int, int | None]]

DEFAULT_RAMP = "0:10,3:25,7:50,14:100,30:-"


def ramp_parse(text: str) -> list[tuple[int, int | None]]:
    """``"0:10,3:25,30:-"`` → ``[(0, 10), (3, 25), (30, None)]``; a clear ValueError else."""
    steps: list[tuple[int, int | None]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        day_text, sep, limit_text = part.partition(":")
        try:
            day = int(day_text)
            limit = None if limit_text.strip() in ("-", "") else int(limit_text)
        except ValueError:
            raise ValueError(
                _("Warm-up step %(step)r is not 'day:limit' (for example 0:10 or 30:-).")
                % {"step": part}
            ) from None
        if not sep or day < 0 or (limit is not None and limit < 0):
            raise ValueError(
                _("Warm-up step %(step)r is not 'day:limit' (for example 0:10 or 30:-).")
                % {"step": part}
            )
        steps.append((day, limit))
    steps.sort()
    if not steps or steps[0][0] != 0:
        raise ValueError(_("The warm-up ramp must start at day 0."))
    return steps


def ramp_limit(ramp: Ramp, age_days: int) -> int | None:
    """The ramp's limit for a number ``age_days`` old (None: no ramp limit any more)."""
    limit: int | None = None
    for day, step_limit in ramp:
        if age_days >= day:
            limit = step_limit
    return limit


def warmup_allowance(*, cap: int, ramp: Ramp, age_days: int) -> int:
    """New recipients a number may reach on a day: its daily cap, lowered by the ramp."""
    limit = ramp_limit(ramp, max(age_days, 0))
    return cap if limit is None else min(cap, limit)


@lru_cache(maxsize=8)
def _ramp_cached(text: str) -> tuple[tuple[int, int | None], ...]:
    return tuple(ramp_parse(text))


def warmup_ramp() -> tuple[tuple[int, int | None], ...]:
    """The configured ramp (``MESSAGING_WARMUP_RAMP``)."""
    return _ramp_cached(settings.MESSAGING_WARMUP_RAMP)
