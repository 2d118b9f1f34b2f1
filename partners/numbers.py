"""Services for registering new numbers with the number-registration API (spec 003):
``registerNumber`` sends a 6-digit code by SMS or voice call, ``verifyNumber`` checks it; a
verified number waits 90 days for an account. Our own rules run before any call: at most 500
numbers waiting, and no more than 3 code requests for a number, then an hour's wait (the spec
warns Facebook blocks the number for 1 hour otherwise).

Spec 003 says the number is then used by its "Step 2: Create account" API, which the spec
does not document: we do not call it. A verified number goes to the mobile registration
wizard of a new mobile instance instead.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from instances.models import Instance
from instances.outcome import Outcome
from messaging.phones import PhoneProblem, RecipientKind, recipient_normalize
from partners.models import (
    Partner,
    RegisteredNumber,
    RegisteredNumberState,
    RegistrationMethod,
)
from partners.zapi import number_client, partner_error_text
from zapi.errors import ZapiError
from zapi.models import NumberRegistrationResult, RegistrationReason
from zapi.times import epoch_time

WAITING_LIMIT = 500  # spec 003: up to 500 numbers waiting in an account
MAX_CODE_REQUESTS = 3  # spec 003: "do not attempt to request a code more than 3 times"
BLOCK_WAIT = timedelta(hours=1)  # spec 003: "might block the request for 1 hour"
VALID_FOR = timedelta(days=90)  # spec 003: registered numbers wait 90 days
# Spec 003's list of languages is lost in the text we have; these are the codes we offer.
CODE_LANGUAGES = [
    ("en", gettext_lazy("English")),
    ("pt", gettext_lazy("Portuguese")),
    ("es", gettext_lazy("Spanish")),
    ("fr", gettext_lazy("French")),
    ("de", gettext_lazy("German")),
    ("it", gettext_lazy("Italian")),
    ("he", gettext_lazy("Hebrew")),
    ("ar", gettext_lazy("Arabic")),
    ("ru", gettext_lazy("Russian")),
]
_COMMENT = re.compile(r"^[^\W_]+( [^\W_]+)*$")  # letters and digits (spaces between words)

REASON_TEXT: dict[int, Any] = {
    RegistrationReason.OK: gettext_lazy("Done."),
    RegistrationReason.INVALID_NUMBER: gettext_lazy(
        "The number is not valid: digits with the country code, no + (e.g. 5511987654321)."
    ),
    RegistrationReason.TOO_MANY_REQUESTS: gettext_lazy(
        "Too many code requests for this number: it is blocked for 1 hour."
    ),
    RegistrationReason.TOO_MANY_NUMBERS: gettext_lazy(
        "The account already has 500 numbers waiting to be connected."
    ),
    RegistrationReason.WRONG_CODE: gettext_lazy("The code is wrong. Check the SMS or call."),
    RegistrationReason.NO_CODE_REQUESTED: gettext_lazy(
        "No code was requested for this number: register it first."
    ),
    RegistrationReason.INVALID_FIELDS: gettext_lazy(
        "The method, language or comment was refused (comment: letters and digits only)."
    ),
    RegistrationReason.ALREADY_REGISTERED: gettext_lazy(
        "This number is already registered and verified in the account."
    ),
}


def reason_text(reason: Any) -> str:
    try:
        return str(REASON_TEXT[int(reason)])
    except (KeyError, TypeError, ValueError):
        return _("Refused with reason code %(reason)s, which the spec does not describe.") % {
            "reason": reason
        }


def _fail(action: str, text: str, number: RegisteredNumber | None = None) -> Outcome[Any]:
    return Outcome(ok=False, action=action, text=text, value=number)


def number_digits(value: str) -> tuple[str, str]:
    """(digits with the country code, no ``+``, as spec 003 wants; the problem in words).
    The one phone normaliser decides; spec 003 numbers always carry their country code, so
    a number typed without ``+`` is read as starting with it."""
    text = (value or "").strip()
    recipient = recipient_normalize(text if text.startswith("+") else f"+{text}")
    if not recipient.ok or recipient.kind != RecipientKind.PHONE:
        return "", recipient.reason or str(PhoneProblem.NOT_A_NUMBER.label)
    return recipient.chat_id, ""


def waiting_numbers(*, partner: Partner, now: datetime | None = None) -> QuerySet[Any]:
    """Numbers that count against the 500: code requested or verified, not expired."""
    now = now or timezone.now()
    return RegisteredNumber.objects.filter(partner=partner).filter(
        Q(state=RegisteredNumberState.CODE_REQUESTED)
        | Q(state=RegisteredNumberState.VERIFIED, expires_at__gt=now)
    )


def code_request_wait(number: RegisteredNumber, *, now: datetime) -> timedelta | None:
    """How long until the number may ask for another code (None: it may now)."""
    if number.code_requests < MAX_CODE_REQUESTS or number.last_request_at is None:
        return None
    left = number.last_request_at + BLOCK_WAIT - now
    return left if left > timedelta(0) else None


def number_register(
    *,
    partner: Partner,
    whatsapp: str,
    method: int = RegistrationMethod.SMS,
    language: str = "en",
    comment: str = "",
    now: datetime | None = None,
) -> Outcome[RegisteredNumber]:
    """Ask for a verification code for a new number (``registerNumber``)."""
    action = _("Register a number")
    now = now or timezone.now()
    digits, problem = number_digits(whatsapp)
    comment = " ".join((comment or "").split())
    if not digits:
        return _fail(action, f"{problem}. {REASON_TEXT[RegistrationReason.INVALID_NUMBER]}")
    if method not in RegistrationMethod.values:
        return _fail(action, _("Choose SMS or a voice call."))
    if language not in dict(CODE_LANGUAGES):
        return _fail(action, _("Choose one of the offered languages."))
    if len(comment) > 100 or (comment and not _COMMENT.match(comment)):
        return _fail(action, _("The comment takes at most 100 letters and digits."))
    if not (str(partner.number_registration_token) or str(partner.integrator_token)):
        return _fail(action, _("%(partner)s has no access token for number registration.")
                     % {"partner": partner.name})  # fmt: skip
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        number = (
            RegisteredNumber.objects.select_for_update()
            .filter(partner=partner, whatsapp=digits)
            .first()
        )
        refusal = _register_refusal(partner, number, now)
        if refusal:
            return _fail(action, refusal, number)
        if number is None:
            number = RegisteredNumber.objects.create(partner=partner, whatsapp=digits)
        if number.last_request_at and now - number.last_request_at >= BLOCK_WAIT:
            number.code_requests = 0  # the hour has passed: a fresh start
        # Counted before the call (and committed): a lost answer may still have sent a code.
        number.code_requests += 1
        number.last_request_at = now
        number.method, number.language, number.comment = method, language, comment
        number.state = RegisteredNumberState.CODE_REQUESTED
        number.verified_at = number.expires_at = None
        number.save()
    try:
        result = number_client(partner).register_number(
            digits,
            method=1 if method == RegistrationMethod.SMS else 2,
            language=language,
            comment=comment or None,
        )
    except ZapiError as exc:
        return _remember(number, partner_error_text(exc), action, ok=False)
    if not result.ok:
        if _reason(result) == RegistrationReason.TOO_MANY_REQUESTS:
            number.code_requests = MAX_CODE_REQUESTS  # the upstream counts too: wait
        number.state = RegisteredNumberState.FAILED
        return _remember(number, reason_text(result.reason), action, ok=False)
    method_label = RegistrationMethod(method).label
    return _remember(
        number,
        _("A 6-digit code is on its way by %(method)s to +%(number)s (request %(n)d of %(max)d).")
        % {"method": method_label, "number": digits, "n": number.code_requests,
           "max": MAX_CODE_REQUESTS},
        action,
        ok=True,
    )  # fmt: skip


def _reason(result: NumberRegistrationResult) -> int | None:
    try:
        return int(result.reason) if result.reason is not None else None
    except ValueError:
        return None


def _register_refusal(partner: Partner, number: RegisteredNumber | None, now: datetime) -> str:
    if number is not None:
        if number.state == RegisteredNumberState.VERIFIED and (
            number.expires_at is None or number.expires_at > now
        ):
            return _("+%(number)s is already verified; it waits until %(date)s.") % {
                "number": number.whatsapp,
                "date": _local(number.expires_at) if number.expires_at else "?",
            }
        if number.state == RegisteredNumberState.USED:
            return _("+%(number)s is already used by an instance.") % {"number": number.whatsapp}
        wait = code_request_wait(number, now=now)
        if wait is not None:
            return _(
                "+%(number)s has had %(max)d code requests: Facebook blocks more for an hour. "
                "Ask again after %(at)s."
            ) % {
                "number": number.whatsapp,
                "max": MAX_CODE_REQUESTS,
                "at": _local(now + wait),
            }
    is_waiting = number is not None and number.state == RegisteredNumberState.CODE_REQUESTED
    if not is_waiting and waiting_numbers(partner=partner, now=now).count() >= WAITING_LIMIT:
        return str(REASON_TEXT[RegistrationReason.TOO_MANY_NUMBERS])
    return ""


def _remember(
    number: RegisteredNumber, text: str, action: str, *, ok: bool
) -> Outcome[RegisteredNumber]:
    number.last_reason = text[:200]
    number.save()
    return Outcome(ok=ok, action=action, text=text, value=number)


def number_verify(
    *, number: RegisteredNumber, code: str, now: datetime | None = None
) -> Outcome[RegisteredNumber]:
    """Check the 6-digit code (``verifyNumber``); a verified number waits 90 days."""
    action = _("Verify the code")
    now = now or timezone.now()
    digits = (code or "").replace("-", "").replace(" ", "").strip()
    if not (len(digits) == 6 and digits.isdigit()):
        return _fail(action, _("The code is 6 digits."), number)
    if number.state not in (RegisteredNumberState.CODE_REQUESTED, RegisteredNumberState.FAILED):
        return _fail(action, _("No code is awaited for this number."), number)
    try:
        result = number_client(number.partner).verify_number(number.whatsapp, digits)
    except ZapiError as exc:
        return _remember(number, partner_error_text(exc), action, ok=False)
    if not result.ok:
        return _remember(number, reason_text(result.reason), action, ok=False)
    number.state = RegisteredNumberState.VERIFIED
    number.verified_at = now
    number.expires_at = epoch_time(result.expiration) or now + VALID_FOR
    return _remember(
        number,
        _("+%(number)s is verified; it waits until %(date)s for an account.")
        % {"number": number.whatsapp, "date": _local(number.expires_at)},
        action,
        ok=True,
    )


def numbers_expire(*, now: datetime | None = None) -> int:
    """Beat: verified numbers past their 90 days must be registered again."""
    now = now or timezone.now()
    return RegisteredNumber.objects.filter(
        state=RegisteredNumberState.VERIFIED, expires_at__lte=now
    ).update(state=RegisteredNumberState.EXPIRED)


def number_use(*, number: RegisteredNumber, instance: Instance) -> None:
    """The number went to ``instance``'s mobile registration wizard."""
    RegisteredNumber.objects.filter(pk=number.pk).update(
        state=RegisteredNumberState.USED, instance=instance
    )


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
