"""Partner on-demand API (spec 001, "Partners") and number registration (spec 003)."""

import httpx
import pytest

from tests.zapi.conftest import ACCESS_TOKEN, PARTNER_TOKEN

Z = "https://api.z-api.io"
N = "https://partners.99digital.co.il"


def test_create_instance_posts_spec_body_with_bearer(partner, fake_zapi):
    # spec 001, "Partners > Creating an instance"
    fake_zapi.reply(
        httpx.Response(
            200,
            json={"id": "8823XWIE982KII99012K2L", "token": "8900LS", "due": "329000002121"},
        )
    )
    created = partner.create_instance(
        "Z-API Instance - 9292812",
        sessionName="Testes testes",
        deliveryCallbackUrl="https://meuwebhook.com.br/delivery",
        receivedCallbackUrl="https://meuwebhook.com.br/receive",
        disconnectedCallbackUrl="https://meuwebhook.com.br/disconnected",
        connectedCallbackUrl="https://meuwebhook.com.br/connected",
        messageStatusCallbackUrl="https://meuwebhook.com.br/status",
        isDevice=False,
        businessDevice=True,
    )
    req = fake_zapi.last
    assert (req.method, str(req.url)) == ("POST", f"{Z}/instances/integrator/on-demand")
    assert req.headers["Authorization"] == f"Bearer {PARTNER_TOKEN}"
    assert "client-token" not in req.headers
    assert fake_zapi.last_json() == {
        "name": "Z-API Instance - 9292812",
        "sessionName": "Testes testes",
        "deliveryCallbackUrl": "https://meuwebhook.com.br/delivery",
        "receivedCallbackUrl": "https://meuwebhook.com.br/receive",
        "disconnectedCallbackUrl": "https://meuwebhook.com.br/disconnected",
        "connectedCallbackUrl": "https://meuwebhook.com.br/connected",
        "messageStatusCallbackUrl": "https://meuwebhook.com.br/status",
        "isDevice": False,
        "businessDevice": True,
    }
    assert (created.id, created.token, created.due) == (
        "8823XWIE982KII99012K2L",
        "8900LS",
        "329000002121",
    )
    assert "8900LS" not in repr(created)


@pytest.mark.parametrize(
    ("method", "suffix"), [("subscribe", "subscription"), ("cancel", "cancel")]
)
def test_subscribe_and_cancel_post_under_the_instance_path(partner, fake_zapi, method, suffix):
    fake_zapi.reply(httpx.Response(201, text="OK"))
    getattr(partner, method)("INST", "INSTTOKEN")
    req = fake_zapi.last
    assert (req.method, str(req.url)) == (
        "POST",
        f"{Z}/instances/INST/token/INSTTOKEN/integrator/on-demand/{suffix}",
    )
    assert req.headers["Authorization"] == f"Bearer {PARTNER_TOKEN}"


def test_create_instance_is_not_retried(partner, fake_zapi, sleeps):
    fake_zapi.reply(httpx.Response(503), httpx.Response(200, json={"id": "x", "token": "y"}))
    with pytest.raises(Exception):  # noqa: B017 - ServerError; only the count matters here
        partner.create_instance("n")
    assert len(fake_zapi.requests) == 1


def test_list_instances_pages_with_query_and_parses(partner, fake_zapi):
    # spec 001, "Partners > Listing instances"
    body = {
        "total": 1,
        "totalPage": 1,
        "pageSize": 1,
        "page": 1,
        "content": [
            {
                "token": "",
                "tenant": "",
                "created": "",
                "due": 1648565999675,
                "paymentStatus": "",
                "phoneConnected": False,
                "whatsappConnected": False,
                "middleware": "web",
                "name": "",
                "id": "",
                "presenceChatCallbackUrl": "",
            }
        ],
    }
    fake_zapi.reply(httpx.Response(200, json=body))
    page = partner.list_instances(page=1, page_size=1, query="15", middleware="web")
    assert str(fake_zapi.last.url) == f"{Z}/instances?page=1&pageSize=1&query=15&middleware=web"
    assert fake_zapi.last.method == "GET"
    assert page.total == 1 and page.content[0].due == 1648565999675
    assert page.content[0].model_extra == {"presenceChatCallbackUrl": ""}


def test_register_number_posts_with_bearer_access_token(numbers, fake_zapi):
    fake_zapi.reply(
        httpx.Response(200, json={"status": "OK", "whatsapp": "972501234567", "reason": 1})
    )
    result = numbers.register_number("972501234567", method=1, language="en", comment="shop1")
    req = fake_zapi.last
    assert (req.method, str(req.url)) == ("POST", f"{N}/api/whatsapp/registerNumber")
    assert req.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert fake_zapi.last_json() == {
        "whatsapp": "972501234567",
        "method": 1,
        "language": "en",
        "comment": "shop1",
    }
    assert result.ok and result.whatsapp == "972501234567"


def test_verify_number_posts_the_code_and_reads_expiration(numbers, fake_zapi):
    fake_zapi.reply(
        httpx.Response(
            200,
            json={
                "status": "OK",
                "whatsapp": "972501234567",
                "expiration": "1737109621",
                "reason": 1,
            },
        )
    )
    result = numbers.verify_number("972501234567", "123-456")
    assert str(fake_zapi.last.url) == f"{N}/api/whatsapp/verifyNumber"
    assert fake_zapi.last_json() == {"whatsapp": "972501234567", "code": "123456"}
    assert result.expiration == "1737109621"


def test_verify_number_refuses_a_code_that_is_not_six_digits(numbers, fake_zapi):
    with pytest.raises(ValueError):
        numbers.verify_number("972501234567", "12345")
    assert fake_zapi.requests == []


def test_fail_status_is_data_not_an_exception(numbers, fake_zapi):
    fake_zapi.reply(httpx.Response(200, json={"status": "FAIL", "whatsapp": "9725", "reason": 3}))
    assert numbers.register_number("9725").ok is False
