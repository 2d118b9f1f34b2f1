"""What people type as a recipient, turned into the chat id Z-API expects, or the reason why not.

One function, ``recipient_normalize``, used by compose, the API, inbound webhooks, imports
and campaign audiences, so every path agrees on what a valid number is:

- Phones become digits with the country code and nothing else (spec 001, "Messages > Send
  plain text": "Send only numbers, without formatting"): ``(11) 98765-4321`` →
  ``5511987654321``. Brazil is the default region, since most of Z-API's users write
  Brazilian numbers the Brazilian way (with or without ``+55``, a trunk ``0``, ``0xx``).
- A Brazilian mobile written the old way, with eight digits (``55 11 8765-4321``), gets its
  ninth digit: every Brazilian mobile has had nine since 2016. WhatsApp still knows some old
  accounts by the eight-digit id; ``phone-exists-batch`` tells us (its ``outputPhone``), and
  that becomes the contact's chat id (see ``messaging.whatsapp_check``).
- Group ids (``120363019502650977-group``), ``@lid`` ids and channel ids pass as they are.

Validity comes from ``phonenumbers`` (Google's libphonenumber metadata), not from rules of our
own: a number is accepted only when the library says it is a valid number of its country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "BR"

_GROUP = re.compile(r"^\d{5,30}(-\d{5,20})?-group$")
_LID = re.compile(r"^\d{5,30}@lid$")
_CHANNEL = re.compile(r"^\d{5,30}@newsletter$")
# Letters other than the "x" of "0xx11" (a Brazilian habit) mean this is not a number.
_LETTERS = re.compile(r"[^\W\dxX_]")
# A Brazilian number without its DDD: 8 digits, or 9 starting with the mobile 9.
_BR_NO_AREA_CODE = re.compile(r"^(\d{8}|9\d{8})$")
# Brazilian mobiles start with 6-9 (Anatel); an old 8-digit one gets the leading 9.
_BR_OLD_MOBILE = re.compile(r"^(\d{2})([6-9]\d{7})$")


class RecipientKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    GROUP = "group", _("Group")
    LID = "lid", _("LID")
    CHANNEL = "channel", _("Channel")


class PhoneProblem(models.TextChoices):
    """Why a value is not a number we can write to; the label is what people read."""

    EMPTY = "empty", _("No number given")
    NOT_A_NUMBER = "not_a_number", _("Not a phone number")
    TOO_SHORT = "too_short", _("Too short to be a phone number")
    TOO_LONG = "too_long", _("Too long to be a phone number")
    COUNTRY = "country", _("Unknown country code")
    NO_AREA_CODE = "no_area_code", _("Missing the area code (DDD)")
    EXTENSION = "extension", _("Has an extension; WhatsApp numbers have none")
    INVALID = "invalid", _("Not a valid number in its country")


@dataclass(frozen=True, slots=True)
class Recipient:
    """A normalised recipient: ``chat_id`` when valid, else ``problem`` says why not."""

    value: str
    chat_id: str = ""
    kind: RecipientKind = RecipientKind.PHONE
    problem: PhoneProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def reason(self) -> str:
        """The problem in words (empty when valid)."""
        return str(self.problem.label) if self.problem is not None else ""


_PARSE_PROBLEMS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: PhoneProblem.COUNTRY,
    phonenumbers.NumberParseException.NOT_A_NUMBER: PhoneProblem.NOT_A_NUMBER,
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: PhoneProblem.TOO_SHORT,
    phonenumbers.NumberParseException.TOO_SHORT_NSN: PhoneProblem.TOO_SHORT,
    phonenumbers.NumberParseException.TOO_LONG: PhoneProblem.TOO_LONG,
}
_POSSIBLE_PROBLEMS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: PhoneProblem.COUNTRY,
    phonenumbers.ValidationResult.TOO_SHORT: PhoneProblem.TOO_SHORT,
    phonenumbers.ValidationResult.TOO_LONG: PhoneProblem.TOO_LONG,
}


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | PhoneProblem:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return _PARSE_PROBLEMS.get(exc.error_type, PhoneProblem.NOT_A_NUMBER)
    if number.extension:
        return PhoneProblem.EXTENSION
    if phonenumbers.is_valid_number(number):
        return number
    reason = phonenumbers.is_possible_number_with_reason(number)
    return _POSSIBLE_PROBLEMS.get(reason, PhoneProblem.INVALID)


def _with_ninth_digit(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber | None:
    if number.country_code != 55:
        return None
    match = _BR_OLD_MOBILE.match(str(number.national_number))
    if match is None:
        return None
    fixed = phonenumbers.PhoneNumber(country_code=55, national_number=int(f"{match[1]}9{match[2]}"))
    return fixed if phonenumbers.is_valid_number(fixed) else None


def _digits(number: phonenumbers.PhoneNumber) -> str:
    """E.164 without the "+" (Italian leading zeros included, as the library keeps them)."""
    return f"{number.country_code}{phonenumbers.national_significant_number(number)}"


_FORMATTING = str.maketrans("", "", " ()-./")


def _plain_brazilian(text: str) -> phonenumbers.PhoneNumber | None:
    """The number when ``text`` is already plain Brazilian digits (``11987654321``,
    ``5511987654321``, ``+55 11 98765 4321``, ``011 98765-4321``, spaces, brackets and
    dashes aside) and the library says it is valid; None sends it through the full parse.
    Most of a spreadsheet is like this, and building the number directly skips the parse,
    two thirds of the cost of 100,000 rows. Parsing would give the same number (a test
    compares both over a sample): once a trunk 0 with no room for a carrier code is taken
    off, there is no national prefix left to strip, and no Brazilian national number has 12
    digits."""
    digits = text.translate(_FORMATTING)
    if digits.startswith("+55"):
        digits = digits[3:]  # the country code written as such: what follows is national
    elif len(digits) in (11, 12) and digits[0] == "0" and digits[1] != "0":
        # A trunk 0 before the DDD (``011 98765-4321``). With 10 or 11 digits after it there
        # is no room for a carrier code (0 + 2-digit carrier + DDD + at least 8 digits).
        digits = digits[1:]
    elif len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if not digits.isdigit() or digits[0] == "0" or digits.startswith("90"):
        return None
    if len(digits) not in (10, 11):
        return None
    number = phonenumbers.PhoneNumber(country_code=55, national_number=int(digits))
    return number if phonenumbers.is_valid_number(number) else None


@lru_cache(maxsize=65_536)
def recipient_normalize(value: str, region: str = DEFAULT_REGION) -> Recipient:
    """``value`` as Z-API's chat id (phone digits with the country code, or a group, @lid or
    channel id as it is), or the problem that makes it unusable. Never raises."""
    text = (value or "").strip()
    if not text:
        return Recipient(value, problem=PhoneProblem.EMPTY)
    if _GROUP.match(text):
        return Recipient(value, text, RecipientKind.GROUP)
    if _LID.match(text):
        return Recipient(value, text, RecipientKind.LID)
    if _CHANNEL.match(text):
        return Recipient(value, text, RecipientKind.CHANNEL)
    if _LETTERS.search(text) or "@" in text:
        return Recipient(value, problem=PhoneProblem.NOT_A_NUMBER)
    plain = _plain_brazilian(text) if region == "BR" else None
    if plain is not None:
        return Recipient(value, _digits(plain))
    first = _parse(text, region)
    if isinstance(first, phonenumbers.PhoneNumber):
        return Recipient(value, _digits(first))
    # Read as a national number it failed: maybe an old 8-digit Brazilian mobile...
    try:
        national = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        national = None
    fixed = _with_ninth_digit(national) if national is not None else None
    if fixed is not None:
        return Recipient(value, _digits(fixed))
    # ...or digits that already carry another country's code, written without the "+" (or
    # after "00", which people type although Brazil dials abroad with 00 + a carrier code).
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") and (digits.startswith("00") or not digits.startswith("0")):
        international = _parse(f"+{digits.removeprefix('00')}", None)
        if isinstance(international, phonenumbers.PhoneNumber):
            return Recipient(value, _digits(international))
    if region == "BR" and not text.startswith("+") and _BR_NO_AREA_CODE.match(digits):
        return Recipient(value, problem=PhoneProblem.NO_AREA_CODE)
    return Recipient(value, problem=first)


def chat_id_clean(value: str) -> str:
    """The chat id for ``value``; ``ValidationError`` with the reason when there is none."""
    recipient = recipient_normalize(value)
    if not recipient.ok:
        raise ValidationError(
            _("%(value)s: %(reason)s."),
            params={"value": value.strip()[:40], "reason": recipient.reason},
            code=str(recipient.problem),
        )
    return recipient.chat_id


# What any stored chat id looks like (a phone, a group, an @lid, a channel...): letters,
# digits and these few marks, never a "/" (it would end the conversation URL's segment),
# spaces or markup. Typed input is held to ``recipient_normalize``, which is stricter.
_STORABLE_CHAT_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z@._+-]{0,99}")


def chat_id_valid(chat_id: str) -> bool:
    """May ``chat_id`` (from a webhook, a stored row) be stored and put in a URL?"""
    return bool(_STORABLE_CHAT_ID.fullmatch(chat_id or ""))


# A phone as WhatsApp or Z-API writes it: digits with, at most, the usual formatting marks.
_WRITTEN_PHONE = re.compile(r"\+?[\d\s().-]*\d[\d\s().-]*")


def chat_id_normalize(chat_id: str) -> str:
    """A chat id as WhatsApp or Z-API gave it (a webhook's ``phone``, ``/chats``, a URL), kept
    as WhatsApp knows it: digits only for phones (an old 8-digit id stays 8 digits, so it still
    matches the webhooks), group and ``@lid`` ids as they are; "" when none is given. Anything
    else (``5511/evil``, ``abc``) is refused with ``ValidationError``: dropping its other
    characters would name another chat. What people type goes through ``recipient_normalize``
    instead."""
    given = chat_id.strip()
    if not given:
        return ""
    if given.endswith("-group") or "@" in given:
        normalized = given
    elif _WRITTEN_PHONE.fullmatch(given):
        normalized = "".join(ch for ch in given if ch.isdigit())
    else:
        normalized = ""
    if not chat_id_valid(normalized):
        raise ValidationError(
            _("%(value)s is not a chat id (a phone with its country code, a group or an @lid)."),
            params={"value": given[:40]},
            code="invalid",
        )
    return normalized
