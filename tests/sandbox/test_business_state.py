"""Labels, chat labels, products, collections, contacts and chats keep their state."""

from __future__ import annotations

import pytest

from sandbox.services import chat_touch
from zapi import NotFoundError

pytestmark = pytest.mark.django_db
PHONE = "5511988887777"


def test_tags_lifecycle_and_chat_tags(zc, sbx):
    chat_touch(instance=sbx, phone=PHONE, name="Ana")
    created = zc.tag_create("VIP", color=3)
    assert zc.tags() == [{"id": created["id"], "name": "VIP", "color": 3}]
    zc.tag_edit(created["id"], "Gold")
    assert zc.chat_tag_add(PHONE, created["id"]).value is True
    assert zc.chat_metadata(PHONE)["tags"] == [created["id"]]
    zc.tag_delete(created["id"])
    assert zc.tags() == []
    assert zc.chat_metadata(PHONE)["tags"] == []
    with pytest.raises(NotFoundError):
        zc.chat_tag_add(PHONE, created["id"])


def test_tag_colors_are_hex_by_index(zc):
    colors = zc.call("tag_colors")
    assert colors["0"] == "#FF9485" and len(colors) == 20


def test_products_and_collections(zc, sbx):
    product = zc.product_upsert({"name": "Mouse", "price": 100, "currency": "BRL"})
    zc.product_upsert({"id": product["id"], "name": "Mouse 2", "price": 90})
    assert zc.product(product["id"])["name"] == "Mouse 2"
    assert [p["id"] for p in zc.catalogs()["products"]] == [product["id"]]
    collection = zc.collection_create("Sale", [])
    zc.collection_add_products(collection["collectionId"], [product["id"]])
    listed = zc.collection_products(sbx.phone, collection["collectionId"])
    assert [p["name"] for p in listed["products"]] == ["Mouse 2"]
    zc.collection_remove_products(collection["collectionId"], [product["id"]])
    assert zc.collection_products(sbx.phone, collection["collectionId"])["products"] == []
    assert zc.collections()["collections"][0]["name"] == "Sale"
    zc.catalog_config(cart_enabled=False)
    assert zc.catalogs()["cartEnabled"] is False
    zc.product_delete(product["id"])
    with pytest.raises(NotFoundError):
        zc.product(product["id"])


def test_company_profile_is_kept(zc, sbx):
    zc.company_description("We sell mice")
    zc.company_websites(["https://a.example.com", "https://b.example.com"])
    sbx.refresh_from_db()
    assert sbx.data["company"]["company_description"] == "We sell mice"
    from zapi import ValidationError

    with pytest.raises(ValidationError):
        zc.company_websites(["https://1", "https://2", "https://3"])


def test_contacts_add_list_and_remove(zc):
    assert zc.call(
        "contacts_add", json=[{"firstName": "Ana", "lastName": "Souza", "phone": PHONE}]
    )["success"]
    assert zc.contacts() == [
        {"phone": PHONE, "name": "Ana Souza", "short": "Ana", "vname": None, "notify": "Ana Souza"}
    ]
    zc.call("contacts_remove", json=[PHONE])
    assert zc.contacts() == []


def test_phone_exists_and_the_ninth_digit(zc):
    assert zc.phone_exists(PHONE).exists is True
    assert zc.phone_exists("5511988880404").exists is False
    batch = zc.phone_exists_batch(["551188887777", "5511988880404"])
    assert [(b.exists, b.outputPhone) for b in batch] == [(True, "5511988887777"), (False, None)]


def test_chats_flags_and_delete(zc, sbx):
    chat_touch(instance=sbx, phone=PHONE, name="Ana")
    zc.modify_chat(PHONE, "pin")
    zc.modify_chat(PHONE, "mute")
    chat = zc.chats()[0]
    assert (chat["pinned"], chat["isMuted"]) == ("true", "1")
    zc.modify_chat(PHONE, "delete")
    assert zc.chats() == []
    with pytest.raises(NotFoundError):
        zc.chat_metadata(PHONE)


def test_sending_creates_the_chat(zc, sbx):
    from sandbox.sending import queue_tick

    zc.send("send_text", phone=PHONE, message="hi")
    queue_tick(instance_id=sbx.pk)
    assert [c["phone"] for c in zc.chats()] == [PHONE]
