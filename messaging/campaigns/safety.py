"""Checks before a campaign starts: what in it is known to get numbers banned, in words.

Spec 001, "Blocks and Bans (2025)", "Message Content and Sensitive Keywords": "Financial
topics have a higher risk of being blocked, especially when they contain keywords like
'boleto,' 'PIX,' 'card,' and others associated with financial scams". "How many messages
can I send?": personalise so "all messages are not exactly the same", always give "an option
to stop receiving messages", and "the most relevant factor in a ban is the number of unique
recipients": an audience far above what the senders may reach per day takes days.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from messaging.campaigns.render import (
    TemplateError,
    template_check,
    template_has_spintax,
    template_variables,
    variable_key,
)

# Financial words the spec names (boleto, PIX, card) and their close kin in Portuguese
# scams. Matched as whole words, ignoring case and accents.
RISKY_WORDS: tuple[str, ...] = (
    "boleto", "pix", "cartao", "cartoes", "card", "credito", "debito", "emprestimo",
    "fatura", "pagamento", "pague", "deposito", "transferencia", "senha", "cpf",
    "codigo de verificacao", "premio", "sorteio",
)  # fmt: skip

LINK = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|br|io|ly|me|app|"
    r"link|info|site|online|shop|store)(?:/\S*)?\b"
)


class Level(enum.StrEnum):
    BLOCKER = "blocker"  # the campaign cannot start
    WARNING = "warning"  # starts, but the operator should know


@dataclass(frozen=True)
class Finding:
    code: str
    level: Level
    message: str


@dataclass
class SafetyReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.level == Level.BLOCKER]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == Level.WARNING]

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}


def risky_words(text: str) -> list[str]:
    """The risky words in ``text``, as written in RISKY_WORDS, in order of the list."""
    folded = variable_key(text).replace("_", " ")
    return [w for w in RISKY_WORDS if re.search(rf"\b{re.escape(w)}\b", folded)]


def links(text: str) -> list[str]:
    return [m.group(0) for m in LINK.finditer(text)]


def content_check(texts: Sequence[str], *, opt_out_line: bool = True) -> SafetyReport:
    """Findings on the variants' texts (templates before rendering)."""
    report = SafetyReport()
    if not opt_out_line:
        report.findings.append(
            Finding(
                "no_opt_out",
                Level.WARNING,
                _(
                    "No opt-out line: the spec says to always give people a way to stop "
                    "receiving messages, or they report the number as spam."
                ),
            )
        )
    if not any(t.strip() for t in texts):
        report.findings.append(
            Finding("empty", Level.BLOCKER, _("Every variant is empty: write a message."))
        )
        return report
    for number, text in enumerate(texts, start=1):
        try:
            template_check(text)
        except TemplateError as exc:
            report.findings.append(
                Finding(
                    "template",
                    Level.BLOCKER,
                    _("Variant %(n)d: %(error)s") % {"n": number, "error": exc},
                )
            )
            continue
        words = risky_words(text)
        if words:
            report.findings.append(
                Finding(
                    "risky_words",
                    Level.WARNING,
                    _(
                        "Variant %(n)d mentions %(words)s: financial words are what WhatsApp "
                        "watches for scams, and raise the risk of a ban."
                    )
                    % {"n": number, "words": ", ".join(words)},
                )
            )
        found = links(text)
        if found:
            report.findings.append(
                Finding(
                    "links",
                    Level.WARNING,
                    _(
                        "Variant %(n)d has a link (%(links)s): links to people who do not "
                        "know the number are reported as spam more often."
                    )
                    % {"n": number, "links": ", ".join(found[:3])},
                )
            )
    if report.blockers:
        return report
    if len([t for t in texts if t.strip()]) == 1 and not any(
        template_variables(t) or template_has_spintax(t) for t in texts
    ):
        report.findings.append(
            Finding(
                "same_text",
                Level.WARNING,
                _(
                    "Everybody would get exactly the same text: add a variable such as "
                    "{{nome}}, spintax such as {Olá|Oi} or another variant."
                ),
            )
        )
    return report


@dataclass(frozen=True)
class SenderCapacity:
    """What one sender may still reach: new recipients per day over the coming days
    (the daily cap with the warm-up ramp applied, day 0 being today, minus today's)."""

    name: str
    per_day: Sequence[int]


def days_to_reach(
    *, audience: int, senders: Sequence[SenderCapacity], open_days: Sequence[date]
) -> date | None:
    """The sending day on which the last of ``audience`` new recipients would be reached,
    given each sender's daily allowance on successive sending days (``open_days``: the
    dates the window is open, in order). None when it does not fit in ``open_days``."""
    left = audience
    if left <= 0:
        return open_days[0] if open_days else None
    for index, day in enumerate(open_days):
        for sender in senders:
            allowance = sender.per_day[min(index, len(sender.per_day) - 1)] if sender.per_day else 0
            left -= allowance
        if left <= 0:
            return day
    return None


def capacity_check(
    *, audience: int, senders: Sequence[SenderCapacity], open_days: Sequence[date]
) -> tuple[SafetyReport, date | None]:
    """A warning when the audience takes more than one sending day at the senders' daily
    caps (with the date it would end), a blocker when there is no sender at all."""
    report = SafetyReport()
    if not senders:
        report.findings.append(
            Finding("no_senders", Level.BLOCKER, _("Choose at least one sender number."))
        )
        return report, None
    end = days_to_reach(audience=audience, senders=senders, open_days=open_days)
    first_day = sum(s.per_day[0] if s.per_day else 0 for s in senders)
    if end is None:
        report.findings.append(
            Finding(
                "capacity",
                Level.WARNING,
                _(
                    "%(audience)d recipients, but the senders may reach only %(day)d new "
                    "people today: it would take more than %(days)d sending days. Add "
                    "senders or split the audience."
                )
                % {"audience": audience, "day": first_day, "days": len(open_days)},
            )
        )
    elif open_days and end != open_days[0]:
        report.findings.append(
            Finding(
                "capacity",
                Level.WARNING,
                _(
                    "%(audience)d recipients, but the senders may reach only %(day)d new "
                    "people today (daily cap and warm-up): the campaign would end on "
                    "%(end)s."
                )
                % {"audience": audience, "day": first_day, "end": date_format(end)},
            )
        )
    return report, end
