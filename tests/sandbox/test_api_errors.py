"""The documented errors: 405, 415, 400, unknown instance or token, Client-Token."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxAccount
from tests.sandbox.conftest import client_for
from zapi import (
    AuthError,
    ClientTokenError,
    ValidationError,
)


def _url(instance, tail: str) -> str:
    return f"/sandbox/instances/{instance.zapi_id}/token/{instance.token}{tail}"


def test_wrong_method_on_a_known_path_is_405(sbx, wsgi_http):
    response = wsgi_http.post(_url(sbx, "/status"), json={})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


def test_a_path_shared_by_two_methods_allows_both(sbx, wsgi_http):
    response = wsgi_http.put(_url(sbx, "/queue"), json={})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "DELETE"}


def test_unknown_path_is_404(sbx, wsgi_http):
    assert wsgi_http.get(_url(sbx, "/no-such-thing")).status_code == 404


def test_post_without_json_content_type_is_415(sbx, wsgi_http):
    response = wsgi_http.post(_url(sbx, "/send-text"), content=b'{"phone": "1", "message": "x"}')
    assert response.status_code == 415


def test_empty_post_without_content_type_is_415_too(sbx, wsgi_http):
    response = wsgi_http.post(_url(sbx, "/mobile/respond-captcha"))
    assert response.status_code == 415


def test_body_that_is_not_json_is_400(sbx, wsgi_http):
    response = wsgi_http.post(
        _url(sbx, "/send-text"), content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_missing_documented_field_is_400(zc):
    with pytest.raises(ValidationError) as caught:
        zc.call("send_text", json={"phone": "5511988887777"})
    assert caught.value.body["missing"] == ["message"]


def test_delay_message_out_of_range_is_400(zc):
    with pytest.raises(ValidationError):
        zc.call("send_text", json={"phone": "5511988887777", "message": "x", "delayMessage": 16})


def test_unknown_instance_is_an_auth_error(sbx, wsgi_http):
    sbx.zapi_id = "NOPE"
    with pytest.raises(AuthError) as caught:
        client_for(sbx, wsgi_http).status()
    assert caught.value.status_code == 404
    assert caught.value.body == {"error": "Instance not found"}


def test_wrong_token_is_an_auth_error(sbx, wsgi_http):
    sbx.token = "WRONG"
    with pytest.raises(AuthError):
        client_for(sbx, wsgi_http).status()


@pytest.fixture
def guarded(sbx):
    sbx.account = SandboxAccount.objects.create(name="Guarded", client_token="CT-123")
    sbx.save()
    return sbx


def test_missing_client_token_is_null_not_allowed(guarded, wsgi_http):
    with pytest.raises(ClientTokenError) as caught:
        client_for(guarded, wsgi_http).status()
    assert caught.value.body == {"error": "null not allowed"}


def test_wrong_client_token_is_null_not_allowed(guarded, wsgi_http):
    with pytest.raises(ClientTokenError):
        client_for(guarded, wsgi_http, client_token="CT-999").status()


def test_right_client_token_passes(guarded, wsgi_http):
    assert client_for(guarded, wsgi_http, client_token="CT-123").status().connected


def test_the_sandbox_can_be_switched_off(settings, sbx):
    import importlib

    from django.urls import clear_url_caches

    import sandbox.urls

    settings.SANDBOX_ENABLED = False
    try:
        importlib.reload(sandbox.urls)
        assert [p.name for p in sandbox.urls.urlpatterns] == ["not-found"]
    finally:
        settings.SANDBOX_ENABLED = True
        importlib.reload(sandbox.urls)
        clear_url_caches()
    assert len(sandbox.urls.urlpatterns) > 100
