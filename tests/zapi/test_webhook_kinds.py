"""The table of webhook kinds is the one place a kind is named: endpoints, /me, events."""

from __future__ import annotations

import pytest

from zapi import ENDPOINTS_BY_NAME
from zapi.events import EVENT_TYPES, WEBHOOK_KINDS, kinds_for_event, webhook_kind
from zapi.models import Me


def test_each_kind_has_its_update_endpoint_and_its_me_field():
    for kind in WEBHOOK_KINDS:
        endpoint = ENDPOINTS_BY_NAME[kind.endpoint]
        assert (endpoint.method, endpoint.path) == ("PUT", f"/update-webhook-{kind.slug}")
        me = Me.model_validate({kind.callback_field: "https://hooks.example.com/x"})
        assert me.callback_url(kind) == getattr(me, kind.callback_field)
        assert me.callback_url(kind) == "https://hooks.example.com/x"
        assert Me.model_validate({}).callback_url(kind) is None


def test_every_update_webhook_endpoint_is_a_kind():
    declared = {e.name for e in ENDPOINTS_BY_NAME.values() if e.path.startswith("/update-webhook-")}
    assert declared == {kind.endpoint for kind in WEBHOOK_KINDS}


def test_event_types_come_from_the_kinds():
    assert set(EVENT_TYPES.values()) == {m for kind in WEBHOOK_KINDS for m in kind.events}


def test_received_and_delivery_is_the_fallback_of_both_halves():
    assert [k.name for k in kinds_for_event("DeliveryCallback")] == [
        "delivery",
        "received_delivery",
    ]
    assert [k.name for k in kinds_for_event("receivedcallback")] == [
        "received",
        "received_delivery",
    ]
    assert kinds_for_event("SomethingNewCallback") == ()


def test_an_unknown_kind_is_a_value_error():
    assert webhook_kind("chat_presence").slug == "chat-presence"
    with pytest.raises(ValueError, match="chat-presence"):
        webhook_kind("chat-presence")
