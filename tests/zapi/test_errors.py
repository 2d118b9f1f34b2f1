"""Every error class maps from its response; network errors split by whether the request
may have reached Z-API; idempotent GETs retry, sends never do."""

import httpx
import pytest

from tests.zapi.conftest import PREFIX
from zapi import errors


@pytest.mark.parametrize(
    ("status", "body", "cls", "retryable"),
    [
        (400, {"error": "null not allowed"}, errors.ClientTokenError, False),
        (200, {"error": "null not allowed"}, errors.ClientTokenError, False),
        (403, {"error": "[189.1.2.3] not allowed"}, errors.IpNotAllowedError, False),
        (401, {"error": "Unauthorized"}, errors.AuthError, False),
        (403, {"message": "forbidden"}, errors.AuthError, False),
        (404, {"error": "Instance not found"}, errors.AuthError, False),
        (400, {"error": "You are not connected."}, errors.NotConnectedError, False),
        (400, {"error": "You need to restore the session."}, errors.NotConnectedError, False),
        (400, {"error": "phone is required"}, errors.ValidationError, False),
        (404, None, errors.NotFoundError, False),
        (405, None, errors.MethodNotAllowedError, False),
        (415, None, errors.UnsupportedMediaTypeError, False),
        (429, {"error": "slow down"}, errors.RateLimitedError, True),
        (500, "<html>oops</html>", errors.ServerError, True),
        (503, None, errors.ServerError, True),
        (409, {"error": "conflict"}, errors.HttpError, False),
    ],
)
def test_response_maps_to_its_error_class(status, body, cls, retryable):
    error = errors.error_from_response(status, body, method="POST", url=f"{PREFIX}/send-text")
    assert type(error) is cls
    assert error.retryable is retryable
    assert error.status_code == status and error.body == body


def test_success_with_data_is_not_an_error():
    assert errors.error_from_response(200, {"zaapId": "Z"}, method="GET", url="u") is None
    # /status reports "not connected" as data, with a 200.
    body = {"connected": False, "error": "You are not connected."}
    assert errors.error_from_response(200, body, method="GET", url="u") is None


def test_rate_limited_reads_retry_after_seconds():
    error = errors.error_from_response(
        429, None, method="GET", url="u", headers={"retry-after": "7"}
    )
    assert isinstance(error, errors.RateLimitedError) and error.retry_after == 7.0


def test_client_maps_error_response_and_keeps_parsed_body(instance, fake_zapi):
    fake_zapi.reply(httpx.Response(400, json={"error": "null not allowed"}))
    with pytest.raises(errors.ClientTokenError) as info:
        instance.send("send_text", phone="55", message="hi")
    assert info.value.body == {"error": "null not allowed"}
    assert isinstance(info.value, errors.AuthError)


def test_connect_refused_is_never_sent_and_retryable(instance, fake_zapi):
    fake_zapi.reply(*[httpx.ConnectError("[Errno 111] Connection refused")] * 3)
    with pytest.raises(errors.NeverSentError) as info:
        instance.send("send_text", phone="55", message="hi")
    assert info.value.retryable is True
    assert len(fake_zapi.requests) == 1  # sends are never retried by the client


def test_dns_failure_is_never_sent(instance, fake_zapi):
    fake_zapi.reply(httpx.ConnectError("[Errno -2] Name or service not known"))
    with pytest.raises(errors.NeverSentError):
        instance.send("send_text", phone="55", message="hi")


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectTimeout("connect timed out"), httpx.PoolTimeout("pool timed out")],
)
def test_connect_and_pool_timeouts_are_never_sent(instance, fake_zapi, exc):
    fake_zapi.reply(exc)
    with pytest.raises(errors.NeverSentError):
        instance.send("send_text", phone="55", message="hi")


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteTimeout("write timed out"),
    ],
)
def test_read_timeout_after_send_is_maybe_delivered(instance, fake_zapi, exc):
    fake_zapi.reply(exc)
    with pytest.raises(errors.MaybeDeliveredError) as info:
        instance.send("send_text", phone="55", message="hi")
    assert info.value.retryable is False
    assert len(fake_zapi.requests) == 1


def test_idempotent_get_is_retried_with_backoff(instance, fake_zapi, sleeps):
    fake_zapi.reply(
        httpx.Response(503),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"connected": True}),
    )
    assert instance.status().connected is True
    assert len(fake_zapi.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_read_timeout_on_a_get_is_retried(instance, fake_zapi, sleeps):
    fake_zapi.reply(httpx.ReadTimeout("t"), httpx.Response(200, json={"count": 2}))
    assert instance.queue_count().count == 2
    assert len(sleeps) == 1


def test_get_retries_stop_after_max_retries(instance, fake_zapi, sleeps):
    fake_zapi.reply(*[httpx.Response(500)] * 5)
    with pytest.raises(errors.ServerError):
        instance.status()
    assert len(fake_zapi.requests) == 3 and len(sleeps) == 2


def test_rate_limited_get_waits_retry_after(instance, fake_zapi, sleeps):
    fake_zapi.reply(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json={}))
    instance.device()
    assert sleeps == [3.0]


def test_permanent_error_on_get_is_not_retried(instance, fake_zapi, sleeps):
    fake_zapi.reply(httpx.Response(400, json={"error": "null not allowed"}))
    with pytest.raises(errors.ClientTokenError):
        instance.status()
    assert len(fake_zapi.requests) == 1 and sleeps == []


@pytest.mark.parametrize("name", ["restart", "disconnect"])
def test_gets_with_side_effects_are_not_retried(instance, fake_zapi, sleeps, name):
    fake_zapi.reply(httpx.Response(503))
    with pytest.raises(errors.ServerError):
        getattr(instance, name)()
    assert len(fake_zapi.requests) == 1


def test_server_error_on_send_is_raised_not_retried(instance, fake_zapi, sleeps):
    fake_zapi.reply(httpx.Response(502), httpx.Response(200, json={"zaapId": "Z"}))
    with pytest.raises(errors.ServerError):
        instance.send("send_text", phone="55", message="hi")
    assert len(fake_zapi.requests) == 1 and sleeps == []


def test_bare_error_body_with_200_is_still_an_error():
    body = {"error": "You are not connected."}
    error = errors.error_from_response(200, body, method="POST", url="u")
    assert isinstance(error, errors.NotConnectedError)
    other = errors.error_from_response(200, {"error": "something"}, method="POST", url="u")
    assert type(other) is errors.HttpError and not other.retryable
