"""The circuit breaker: stop a sender when its failures, blocks or opt-outs pass a threshold.

Spec 001: "If 3% of recipients mark your message as spam your number will be banned!" We
cannot see spam reports, but we see what comes with them: people who opt out or block, and
sends that fail. The defaults trip before 3% (the reference) would be reached, and only once
enough messages went out for a rate to mean something.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class BreakerRule:
    min_sent: int = 20  # no verdict on fewer messages than this
    max_failed_rate: float = 0.10
    max_opt_out_rate: float = 0.03  # the spec's spam-report line
    max_blocked_rate: float = 0.02


@dataclass(frozen=True)
class SenderTally:
    sent: int  # messages that left (accepted by Z-API or further), failed ones included
    failed: int
    opted_out: int
    blocked: int


def breaker_verdict(tally: SenderTally, rule: BreakerRule) -> str | None:
    """Why this sender must stop, in words; None while it may go on."""
    if tally.sent < rule.min_sent:
        return None
    checks = (
        (tally.blocked, rule.max_blocked_rate, _("blocked the number")),
        (tally.opted_out, rule.max_opt_out_rate, _("opted out")),
        (tally.failed, rule.max_failed_rate, _("failed")),
    )
    for count, limit, what in checks:
        if count / tally.sent > limit:
            return _(
                "%(count)d of %(sent)d recipients %(what)s (%(rate).1f%%, limit %(limit).1f%%)."
            ) % {
                "count": count,
                "sent": tally.sent,
                "what": what,
                "rate": 100 * count / tally.sent,
                "limit": 100 * limit,
            }
    return None
