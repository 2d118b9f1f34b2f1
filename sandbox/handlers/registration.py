"""The number-registration partner API (spec 003): registerNumber (SMS or voice, language,
comment) then verifyNumber with the 6-digit code; verified numbers wait 90 days; at most
500 waiting numbers; no more than 3 code requests an hour.

Both answer HTTP 200 with ``status`` "OK" or "FAIL" and a numeric ``reason``. The spec's
table of reasons is lost in the text we have, so the sandbox numbers them as
``zapi.models.RegistrationReason`` does.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sandbox.api import Answer, Call
from sandbox.handlers import handles
from sandbox.models import SandboxNumber
from zapi.models import RegistrationReason

# The reason codes live with the client (one table, zapi.models.RegistrationReason).
OK = int(RegistrationReason.OK)
INVALID_NUMBER = int(RegistrationReason.INVALID_NUMBER)
TOO_MANY_REQUESTS = int(RegistrationReason.TOO_MANY_REQUESTS)
TOO_MANY_NUMBERS = int(RegistrationReason.TOO_MANY_NUMBERS)
WRONG_CODE = int(RegistrationReason.WRONG_CODE)
NO_CODE_REQUESTED = int(RegistrationReason.NO_CODE_REQUESTED)
INVALID_FIELDS = int(RegistrationReason.INVALID_FIELDS)
ALREADY_REGISTERED = int(RegistrationReason.ALREADY_REGISTERED)

WAITING_LIMIT = 500
VALID_FOR = timedelta(days=90)
REQUEST_WINDOW = timedelta(hours=1)
MAX_REQUESTS = 3
_COMMENT = re.compile(r"^[\w ]{0,100}$")


def _fail(whatsapp: str, reason: int) -> dict[str, Any]:
    return {"status": "FAIL", "whatsapp": whatsapp, "reason": reason}


def _whatsapp(data: dict[str, Any]) -> str:
    value = str(data.get("whatsapp") or data.get("number") or "")
    return value if value.isdigit() and 8 <= len(value) <= 15 else ""


@handles("number_register")
def register(call: Call) -> Answer:
    data = call.data()
    whatsapp = _whatsapp(data)
    if not whatsapp:
        return _fail(str(data.get("whatsapp", "")), INVALID_NUMBER)
    method, language = data.get("method"), data.get("language")
    comment = str(data.get("comment") or "")
    if (
        method not in (1, 2, "1", "2")
        or not isinstance(language, str)
        or not 2 <= len(language) <= 5
        or not _COMMENT.match(comment)
    ):
        return _fail(whatsapp, INVALID_FIELDS)
    now = timezone.now()
    account = call.account
    row = (
        SandboxNumber.objects.select_for_update().filter(account=account, whatsapp=whatsapp).first()
    )
    if row is not None and row.expires_at and row.expires_at > now:
        return _fail(whatsapp, ALREADY_REGISTERED)
    if row is None:
        waiting = SandboxNumber.objects.filter(account=account).filter(
            Q(expires_at__gt=now) | Q(expires_at__isnull=True, created_at__gt=now - VALID_FOR)
        )
        if waiting.count() >= WAITING_LIMIT:
            return _fail(whatsapp, TOO_MANY_NUMBERS)
        row = SandboxNumber(account=account, whatsapp=whatsapp)
    if row.first_request_at is None or row.first_request_at < now - REQUEST_WINDOW:
        row.first_request_at, row.code_requests = now, 0
    if row.code_requests >= MAX_REQUESTS:
        return _fail(whatsapp, TOO_MANY_REQUESTS)
    row.code_requests += 1
    row.method, row.language, row.comment = int(method), language, comment
    row.code = f"{secrets.randbelow(10**6):06d}"
    row.verified_at = row.expires_at = None
    row.save()
    return {"status": "OK", "whatsapp": whatsapp, "reason": OK}


@handles("number_verify")
def verify(call: Call) -> Answer:
    data = call.data()
    whatsapp = _whatsapp(data)
    code = str(data.get("code") or "").replace("-", "").strip()
    row = SandboxNumber.objects.filter(account=call.account, whatsapp=whatsapp).first()
    if not whatsapp:
        return _fail(str(data.get("whatsapp", "")), INVALID_NUMBER)
    if row is None or not row.code:
        return _fail(whatsapp, NO_CODE_REQUESTED)
    if not (len(code) == 6 and code.isdigit()) or code != row.code:
        return _fail(whatsapp, WRONG_CODE)
    row.verified_at = timezone.now()
    row.expires_at = row.verified_at + VALID_FOR
    row.save(update_fields=["verified_at", "expires_at"])
    return {
        "status": "OK",
        "whatsapp": whatsapp,
        "expiration": str(int(row.expires_at.timestamp())),
        "reason": OK,
    }
