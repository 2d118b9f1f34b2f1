"""Number registration (spec 003) against the sandbox over real HTTP: register -> verify,
the 90-day expiry, at most 3 code requests then an hour's wait (on a frozen clock), the
500 cap, every reason in words, bad input refused before any call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import RegisteredNumber, RegisteredNumberState
from partners.numbers import (
    REASON_TEXT,
    number_register,
    number_verify,
    numbers_expire,
    reason_text,
)
from sandbox.models import SandboxNumber
from zapi.models import RegistrationReason

pytestmark = pytest.mark.django_db(transaction=True)
NUMBER = "5511987654321"


def code_of(number: str = NUMBER) -> str:
    return SandboxNumber.objects.get(whatsapp=number).code


def test_register_then_verify_waits_ninety_days(live_url, reseller):
    asked = number_register(partner=reseller, whatsapp="+55 11 98765-4321", method=2,
                            language="pt", comment="Loja 1")  # fmt: skip
    assert asked.ok, asked.text
    assert "by Voice call" in asked.text and "request 1 of 3" in asked.text
    number = asked.value
    assert (number.whatsapp, number.state) == (NUMBER, RegisteredNumberState.CODE_REQUESTED)
    wrong = number_verify(number=number, code="000000" if code_of() != "000000" else "111111")
    assert not wrong.ok and str(REASON_TEXT[RegistrationReason.WRONG_CODE]) in wrong.text
    verified = number_verify(number=number, code=code_of())
    assert verified.ok, verified.text
    number.refresh_from_db()
    assert number.state == RegisteredNumberState.VERIFIED
    left = number.expires_at - timezone.now()
    assert timedelta(days=89, hours=23) < left <= timedelta(days=90)
    again = number_register(partner=reseller, whatsapp=NUMBER)
    assert not again.ok and "already verified" in again.text


def test_three_code_requests_then_an_hours_wait_enforced_here(live_url, reseller):
    now = timezone.now()
    for n in range(3):
        outcome = number_register(partner=reseller, whatsapp=NUMBER, now=now + timedelta(minutes=n))
        assert outcome.ok, outcome.text
    calls = SandboxNumber.objects.get(whatsapp=NUMBER).code_requests
    fourth = number_register(partner=reseller, whatsapp=NUMBER, now=now + timedelta(minutes=30))
    assert not fourth.ok and "blocks more for an hour" in fourth.text
    assert SandboxNumber.objects.get(whatsapp=NUMBER).code_requests == calls  # never sent
    # An hour after the third request it may ask again (the sandbox's own hour passed too).
    SandboxNumber.objects.filter(whatsapp=NUMBER).update(
        first_request_at=timezone.now() - timedelta(hours=2)
    )
    later = number_register(partner=reseller, whatsapp=NUMBER, now=now + timedelta(minutes=63))
    assert later.ok, later.text
    assert RegisteredNumber.objects.get(whatsapp=NUMBER).code_requests == 1


def test_the_500_cap_is_enforced_before_any_call(live_url, reseller):
    RegisteredNumber.objects.bulk_create(
        RegisteredNumber(partner=reseller, whatsapp=f"55119{n:08d}",
                         state=RegisteredNumberState.CODE_REQUESTED)
        for n in range(500)
    )  # fmt: skip
    outcome = number_register(partner=reseller, whatsapp=NUMBER)
    assert not outcome.ok and "500 numbers waiting" in outcome.text
    assert not SandboxNumber.objects.filter(whatsapp=NUMBER).exists()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"whatsapp": "12ab"}, "not valid"),
        ({"whatsapp": NUMBER, "comment": "no-hyphens!"}, "letters and digits"),
        ({"whatsapp": NUMBER, "comment": "x" * 101}, "letters and digits"),
        ({"whatsapp": NUMBER, "method": 3}, "SMS or a voice call"),
        ({"whatsapp": NUMBER, "language": "xx"}, "offered languages"),
    ],
)
def test_bad_input_is_refused_before_any_call(live_url, reseller, kwargs, words):
    outcome = number_register(partner=reseller, **kwargs)
    assert not outcome.ok and words in outcome.text
    assert not SandboxNumber.objects.exists()


def test_a_code_that_is_not_six_digits_is_refused_here(live_url, reseller):
    number = number_register(partner=reseller, whatsapp=NUMBER).value
    assert "6 digits" in number_verify(number=number, code="12345").text


def test_every_reason_code_has_words():
    for reason in RegistrationReason:
        assert reason in REASON_TEXT
    assert "does not describe" in reason_text(99)


def test_verified_numbers_expire_after_ninety_days(reseller):
    number = RegisteredNumber.objects.create(
        partner=reseller, whatsapp=NUMBER, state=RegisteredNumberState.VERIFIED,
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    assert numbers_expire() == 0
    assert numbers_expire(now=timezone.now() + timedelta(days=2)) == 1
    number.refresh_from_db()
    assert number.state == RegisteredNumberState.EXPIRED
