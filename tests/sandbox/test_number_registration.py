"""The number-registration partner API (spec 003) with the real client."""

from __future__ import annotations

import time

import pytest

from sandbox.handlers import registration as reasons
from sandbox.models import SandboxNumber
from tests.sandbox.conftest import BASE
from zapi import AuthError, NumberRegistrationClient

pytestmark = pytest.mark.django_db
NUMBER = "972501234567"


def _code(number: str = NUMBER) -> str:
    return SandboxNumber.objects.get(whatsapp=number).code


def test_register_then_verify_gives_ninety_days(registration_client):
    result = registration_client.register_number(NUMBER, method=2, language="he", comment="shop 1")
    assert result.ok and result.whatsapp == NUMBER
    verified = registration_client.verify_number(NUMBER, _code())
    assert verified.ok
    days = (int(verified.expiration) - time.time()) / 86400
    assert 89.9 < days <= 90


def test_wrong_code_fails(registration_client):
    registration_client.register_number(NUMBER)
    wrong = "000000" if _code() != "000000" else "111111"
    result = registration_client.verify_number(NUMBER, wrong)
    assert (result.ok, result.reason) == (False, reasons.WRONG_CODE)


def test_verify_without_a_request_fails(registration_client):
    result = registration_client.verify_number(NUMBER, "123456")
    assert (result.ok, result.reason) == (False, reasons.NO_CODE_REQUESTED)


def test_a_fourth_code_request_within_the_hour_fails(registration_client):
    for _ in range(3):
        assert registration_client.register_number(NUMBER).ok
    result = registration_client.register_number(NUMBER)
    assert (result.ok, result.reason) == (False, reasons.TOO_MANY_REQUESTS)


def test_a_registered_number_cannot_register_again(registration_client):
    registration_client.register_number(NUMBER)
    registration_client.verify_number(NUMBER, _code())
    result = registration_client.register_number(NUMBER)
    assert (result.ok, result.reason) == (False, reasons.ALREADY_REGISTERED)


def test_five_hundred_waiting_numbers_at_most(registration_client, partner_account):
    SandboxNumber.objects.bulk_create(
        SandboxNumber(account=partner_account, whatsapp=f"5511{n:08d}", code="123456")
        for n in range(500)
    )
    result = registration_client.register_number(NUMBER)
    assert (result.ok, result.reason) == (False, reasons.TOO_MANY_NUMBERS)


@pytest.mark.parametrize(
    "body",
    [
        {"whatsapp": "12ab", "method": 1, "language": "en"},
        {"whatsapp": NUMBER, "method": 3, "language": "en"},
        {"whatsapp": NUMBER, "method": 1, "language": "en", "comment": "no; symbols!"},
    ],
)
def test_invalid_fields_fail(registration_client, body):
    result = registration_client.call("number_register", json=body)
    assert result["status"] == "FAIL"


def test_wrong_access_token_is_refused(partner_account, wsgi_http):
    client = NumberRegistrationClient(BASE, "nope", http=wsgi_http, max_retries=0)
    with pytest.raises(AuthError):
        client.register_number(NUMBER)


def test_codes_are_shown_to_the_account_on_the_control_url(registration_client, wsgi_http):
    registration_client.register_number(NUMBER)
    response = wsgi_http.get(
        "/sandbox/_control/numbers", headers={"Authorization": "Bearer INTEGRATOR-1"}
    )
    assert response.json()["numbers"][0] == {
        "whatsapp": NUMBER,
        "code": _code(),
        "codeRequests": 1,
        "verified": False,
        "expiresAt": None,
    }
