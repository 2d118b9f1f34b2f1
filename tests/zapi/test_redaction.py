"""Tokens never appear in logs, exception text or reprs."""

import logging

import httpx
import pytest

from tests.zapi.conftest import ACCESS_TOKEN, CLIENT_TOKEN, PARTNER_TOKEN, TOKEN
from zapi import InstanceClient, errors, redact, redact_text, redact_url

SECRETS = (TOKEN, CLIENT_TOKEN, PARTNER_TOKEN, ACCESS_TOKEN)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_redact_replaces_each_secret():
    assert redact("a SECRET b s", "SECRET", None, "") == "a *** b s"


def test_redact_url_masks_the_token_segment():
    url = "https://api.z-api.io/instances/I/token/ABC123/send-text?x=1"
    assert redact_url(url) == "https://api.z-api.io/instances/I/token/***/send-text?x=1"


def test_redact_text_masks_bearer_and_client_token_values():
    text = "Authorization: Bearer abc.def Client-Token: xyz {'client-token': 'q'}"
    cleaned = redact_text(text)
    assert "abc.def" not in cleaned and "xyz" not in cleaned and "'q'" not in cleaned


def test_client_repr_hides_tokens(instance, partner, numbers):
    for client in (instance, partner, numbers):
        assert_clean(repr(client))


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(500, text=f"boom at /token/{TOKEN}/send-text"),
        httpx.Response(400, json={"error": f"bad token {TOKEN}"}),
        httpx.ConnectError(f"cannot reach https://api.z-api.io/instances/I/token/{TOKEN}/x"),
        httpx.ReadTimeout("timed out"),
    ],
)
def test_exception_text_and_repr_never_hold_the_token(instance, fake_zapi, reply, caplog):
    fake_zapi.reply(reply)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(errors.ZapiError) as info:
        instance.send("send_text", phone="55", message="hi")
    exc = info.value
    for text in (str(exc), repr(exc), exc.message, str(exc.url), str(exc.body), caplog.text):
        assert_clean(text)
    # No chained httpx exception (whose request holds the raw URL) rides along.
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__


def test_success_logs_are_redacted_including_httpx_own_log(instance, fake_zapi, caplog):
    caplog.set_level(logging.DEBUG)
    instance.send("send_text", phone="55", message="hi")
    # httpx logs "HTTP Request: POST <full url>" at INFO; the zapi filter rewrites it.
    logging.getLogger("httpx").info(
        "HTTP Request: POST %s", f"https://h/instances/I/token/{TOKEN}/x"
    )
    assert "token/***" in caplog.text
    assert_clean(caplog.text)


def test_partner_bearer_token_never_logged(partner, fake_zapi, caplog):
    caplog.set_level(logging.DEBUG)
    fake_zapi.reply(httpx.Response(401, json={"error": "Unauthorized"}))
    with pytest.raises(errors.AuthError) as info:
        partner.list_instances()
    assert_clean(str(info.value) + repr(info.value) + caplog.text)


def test_subscribe_redacts_the_instance_token_in_its_path(partner, fake_zapi, caplog):
    caplog.set_level(logging.DEBUG)
    fake_zapi.reply(httpx.ConnectError(f"refused {TOKEN}"))
    with pytest.raises(errors.NeverSentError) as info:
        partner.subscribe("I", TOKEN)
    assert_clean(str(info.value) + caplog.text)


def test_instance_client_requires_id_and_token():
    with pytest.raises(ValueError):
        InstanceClient("https://api.z-api.io", "", "T")
