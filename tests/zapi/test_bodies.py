"""The send bodies are declared once (zapi.bodies) and read by client, composer and sandbox."""

from __future__ import annotations

import pytest

from zapi import ENDPOINTS_BY_NAME
from zapi.bodies import (
    SEND_FIELDS,
    STORY_FIELDS,
    TYPING_SENDS,
    send_body,
    send_body_missing,
    send_body_unknown,
    snake,
)


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
        client.send("send_text", phone="5511999999999", message="")
    with pytest.raises(ValueError, match="delayTyping"):
        client.send("send_text", phone="5511999999999", message="hi", delayTyping=16)
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


def test_the_client_refuses_a_field_the_send_does_not_take(fake_zapi, instance):
    # Z-API would drop a misspelt option in silence; we say so before any request.
    with pytest.raises(ValueError, match="linkURL"):
        instance.send("send_link", phone="55", message="hi", linkUrl="https://e.x", linkURL="x")
    with pytest.raises(ValueError, match="not a send"):
        instance.send("status", phone="55")
    assert fake_zapi.requests == []


def test_python_names_reach_the_body_in_the_spec_spelling(fake_zapi, instance):
    instance.send(
        "send_link", phone="55", message="see https://e.x", link_url="https://e.x", title="t",
        image="", link_description="", delay_message=2,
    )  # fmt: skip
    assert fake_zapi.last_json() == {
        "phone": "55", "message": "see https://e.x", "linkUrl": "https://e.x", "title": "t",
        "image": "", "linkDescription": "", "delayMessage": 2,
    }  # fmt: skip


def test_send_body_takes_each_documented_field_and_fills_the_blank_ones():
    given = {"message": "m", "link_url": "u", "title": "t", "caption": "not a link field"}
    assert send_body("send_link", given) == {
        "message": "m", "linkUrl": "u", "image": "", "title": "t", "linkDescription": "",
    }  # fmt: skip
    assert snake("catalogDescription") == "catalog_description"


def test_the_composer_puts_in_a_body_only_what_that_send_documents():
    from messaging.compose import COMPOSABLE_KINDS, send_request_build

    fields = {
        "message": "hi https://e.x", "url": "https://e.x/f.pdf", "caption": "c",
        "link_url": "https://e.x", "title": "t", "latitude": "1", "longitude": "2",
        "contact_name": "Ana", "contact_phone": "5511", "choices": "a\nb",
        "catalog_phone": "5511", "product_id": "P1", "file_name": "f.pdf", "address": "Rua",
        "link_description": "d", "image": "https://e.x/i.png", "catalog_description": "cd",
        "poll_max_options": 1, "button_label": "Pick", "product_name": "Shoe",
    }  # fmt: skip
    for kind in COMPOSABLE_KINDS:
        request = send_request_build(
            kind=kind, chat_id="5511999999999", fields=fields, delay_message=2
        )
        assert send_body_unknown(request.endpoint, request.body) == [], kind
        assert request.body["delayMessage"] == 2, kind
