"""The send bodies are declared once (zapi.bodies) and read by client, composer and sandbox."""

from __future__ import annotations

import pytest

from zapi import ENDPOINTS_BY_NAME
from zapi.bodies import SEND_FIELDS, STORY_FIELDS, TYPING_SENDS, send_body_missing


def test_every_declared_body_is_an_endpoint():
    assert set(SEND_FIELDS) | set(STORY_FIELDS) | TYPING_SENDS <= set(ENDPOINTS_BY_NAME)


def test_missing_fields_are_named():
    assert send_body_missing("send_link", {"phone": "55", "message": "hi"}) == ["linkUrl"]
    assert send_body_missing("send_text_status", {"message": "hi"}) == []  # no phone


def test_the_client_refuses_an_incomplete_body_before_any_request(fake_zapi, http):
    from tests.zapi.conftest import BASE, INSTANCE_ID, TOKEN
    from zapi import InstanceClient

    client = InstanceClient(BASE, INSTANCE_ID, TOKEN, http=http)
    with pytest.raises(ValueError, match="message"):
        client.send_text("5511999999999", "")
    with pytest.raises(ValueError, match="delayTyping"):
        client.send_text("5511999999999", "hi", delayTyping=16)
    assert fake_zapi.requests == []


def test_every_composable_kind_builds_the_body_the_spec_asks_for():
    from messaging.compose import COMPOSABLE_KINDS, send_request_build

    fields = {
        "message": "hi https://e.x", "url": "https://e.x/f.pdf", "caption": "c",
        "link_url": "https://e.x", "title": "t", "latitude": "1", "longitude": "2",
        "contact_name": "Ana", "contact_phone": "5511", "choices": "a\nb",
        "catalog_phone": "5511", "product_id": "P1", "file_name": "f.pdf",
    }  # fmt: skip
    for kind in COMPOSABLE_KINDS:
        request = send_request_build(kind=kind, chat_id="5511999999999", fields=fields)
        assert send_body_missing(request.endpoint, request.body) == [], kind
