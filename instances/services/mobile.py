"""The mobile registration wizard (spec 000; spec 001, "Mobile"):

availability → request the code (sms, voice or wa_old; wait times, ``retryAfter``) →
captcha when Z-API asks → confirm the code → PIN when two-step verification is on.
A banned number gets an ``appealToken`` and may request unbanning.

The wizard's state is a small dict (kept in the operator's session by the view); each step
is a function that calls Z-API and returns the next state with what Z-API answered.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _

from instances.models import Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client
from zapi.clients.instance import REGISTRATION_METHODS, RegistrationMethod

Step = Literal["start", "method", "captcha", "code", "pin", "banned", "done"]


@dataclass
class Wizard:
    step: Step = "start"
    ddi: str = ""
    phone: str = ""
    waits: dict[str, int] = field(default_factory=dict)  # method -> seconds to wait
    wa_old_eligible: bool = False
    retry_at: float = 0.0  # epoch seconds: no new code request before this
    method: str = ""
    captcha: str = ""  # base64 image
    appeal_token: str = ""
    unban_status: str = ""

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> Wizard:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def dump(self) -> dict[str, Any]:
        return asdict(self)

    def retry_after(self, now: float | None = None) -> int:
        return max(0, int(self.retry_at - (now or time.time()) + 0.999))

    def captcha_src(self) -> str:
        if not self.captcha or self.captcha.startswith("data:"):
            return self.captcha
        return f"data:image/png;base64,{self.captcha}"


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def mobile_availability(*, instance: Instance, ddi: str, phone: str) -> tuple[Wizard, Outcome[Any]]:
    wizard = Wizard(ddi=_digits(ddi), phone=_digits(phone))
    if not wizard.ddi or len(wizard.phone) < 8:
        bad: Outcome[Any] = Outcome(
            ok=False, action=_("Availability"), text=_("Type the country code and the number.")
        )
        return wizard, bad
    outcome = zapi_outcome(
        _("Availability"),
        lambda: instance_client(instance).mobile_registration_available(wizard.ddi, wizard.phone),
    )
    answer = outcome.answer
    if answer.get("blocked"):
        wizard.step = "banned"
        wizard.appeal_token = str(answer.get("appealToken") or "")
        return wizard, Outcome(
            ok=False, action=outcome.action, text=_("This number is banned."), answer=answer
        )
    if outcome.ok and answer.get("available"):
        wizard.step = "method"
        wizard.waits = _waits(answer)
        wizard.wa_old_eligible = bool(answer.get("waOldEligible"))
    elif outcome.ok:
        reason = answer.get("reason") or _("no reason given")
        outcome = Outcome(
            ok=False,
            action=outcome.action,
            text=_("Not available for registration: %(r)s") % {"r": reason},
            answer=answer,
        )
    return wizard, outcome


def _waits(answer: dict[str, Any]) -> dict[str, int]:
    keys = {"sms": "smsWaitSeconds", "voice": "voiceWaitSeconds", "wa_old": "waOldWaitSeconds"}
    return {m: int(answer.get(k) or 0) for m, k in keys.items()}


def mobile_request_code(
    *, instance: Instance, wizard: Wizard, method: RegistrationMethod, now: float | None = None
) -> Outcome[Any]:
    now = now or time.time()
    if method not in REGISTRATION_METHODS:
        return Outcome(ok=False, action=_("Request code"), text=_("Unknown method."))
    if wizard.retry_after(now):
        return Outcome(
            ok=False,
            action=_("Request code"),
            text=_("Wait %(s)d s before asking for another code.") % {"s": wizard.retry_after(now)},
        )
    outcome = zapi_outcome(
        _("Request code"),
        lambda: instance_client(instance).mobile_request_registration_code(
            wizard.ddi, wizard.phone, method
        ),
    )
    answer = outcome.answer
    wizard.method = method
    if answer.get("retryAfter"):
        wizard.retry_at = now + int(answer["retryAfter"])
    if any(k in answer for k in ("smsWaitSeconds", "voiceWaitSeconds", "waOldWaitSeconds")):
        wizard.waits = _waits(answer)
    if answer.get("blocked"):
        # Banned only at this step: no appealToken (spec 001, "Mobile > Check registration
        # availability").
        wizard.step = "banned"
        return Outcome(
            ok=False, action=outcome.action, text=_("This number is banned."), answer=answer
        )
    if answer.get("captcha"):
        wizard.step, wizard.captcha = "captcha", str(answer["captcha"])
        return Outcome(ok=True, action=outcome.action, text=_("Answer the captcha."), answer=answer)
    if outcome.ok:
        wizard.step = "code"
    return outcome


def mobile_captcha(*, instance: Instance, wizard: Wizard, answer: str) -> Outcome[Any]:
    outcome = zapi_outcome(
        _("Captcha"),
        lambda: instance_client(instance).mobile_respond_captcha(answer.strip()),
        ok_text=_("accepted: the code is on its way."),
        refused_text=_("Wrong captcha: Z-API did not accept it."),
    )
    if outcome.ok:
        # After the captcha the code is on its way: no need to request it again ("Mobile > Request
        # confirmation code").
        wizard.step, wizard.captcha = "code", ""
    return outcome


def mobile_confirm_code(*, instance: Instance, wizard: Wizard, code: str) -> Outcome[Any]:
    outcome = zapi_outcome(
        _("Confirm code"),
        lambda: instance_client(instance).mobile_confirm_registration_code(_digits(code)),
        ok_text=_("the number is registered."),
        refused_text=_("Wrong code: Z-API did not accept it."),
    )
    if outcome.answer.get("confirmSecurityCode"):
        wizard.step = "pin"  # two-step verification is on (spec 001, "Mobile > Confirm code")
        return Outcome(
            ok=True, action=outcome.action, text=_("Type the PIN."), answer=outcome.answer
        )
    if outcome.ok:
        wizard.step = "done"
    return outcome


def mobile_confirm_pin(*, instance: Instance, wizard: Wizard, pin: str) -> Outcome[Any]:
    outcome = zapi_outcome(
        _("Confirm PIN"),
        lambda: instance_client(instance).mobile_confirm_pin_code(_digits(pin)),
        ok_text=_("the number is registered."),
        refused_text=_("Wrong PIN: Z-API did not accept it."),
    )
    if outcome.ok:
        wizard.step = "done"
    return outcome


def mobile_request_unbanning(
    *, instance: Instance, wizard: Wizard, description: str
) -> Outcome[Any]:
    if not wizard.appeal_token:
        return Outcome(
            ok=False,
            action=_("Request unbanning"),
            text=_("Z-API gave no appeal token for this number: it cannot be appealed here."),
        )
    outcome = zapi_outcome(
        _("Request unbanning"),
        lambda: instance_client(instance).mobile_request_unbanning(
            wizard.appeal_token, description.strip()
        ),
    )
    wizard.unban_status = str(outcome.answer.get("status") or "")
    return outcome
