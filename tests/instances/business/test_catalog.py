"""Catalog against the sandbox over real HTTP: sync with cursor paging, product and
collection CRUD, catalog settings, another number's catalog, and sending a product or the
catalog through the outbound path (Message rows, dispatcher) with the right body."""

from __future__ import annotations

import pytest
from django.urls import reverse

from instances.business.catalog import (
    catalog_configure,
    catalog_of_phone,
    catalog_sync,
    collection_create,
    collection_delete,
    collection_products_change,
    collection_rename,
    product_delete,
    product_save,
)
from instances.business.models import BusinessAccount, Collection, Product
from instances.models import ConnectionState
from messaging.dispatcher import instance_dispatch
from messaging.models import Message
from messaging.states import MessageState
from sandbox.models import SandboxCollection, SandboxMessage, SandboxProduct
from sandbox.services import sandbox_instance_create
from tests.factories import InstanceFactory
from tests.instances.conftest import make_pair

pytestmark = pytest.mark.django_db(transaction=True)

MOUSE = {
    "name": "Mouse",
    "description": "A quiet mouse",
    "price": 100,
    "sale_price": 90,
    "currency": "BRL",
    "images": ["https://example.com/mouse.png"],
    "url": "https://example.com/mouse",
    "retailer_id": "M-1",
    "hidden": False,
}


def test_product_create_edit_delete_round_trip(paired):
    ours, box = paired
    created = product_save(instance=ours, fields=MOUSE)
    assert created.ok, created.text
    product = created.value
    remote = SandboxProduct.objects.get(instance=box, product_id=product.product_id)
    assert remote.data["name"] == "Mouse" and remote.data["retailerId"] == "M-1"
    assert remote.data["salePrice"] == 90 and remote.data["isHidden"] is False
    assert remote.data["images"] == ["https://example.com/mouse.png"]

    edited = product_save(instance=ours, fields={**MOUSE, "name": "Mouse Pro", "price": 150,
                                                 "hidden": True}, product=product)  # fmt: skip
    assert edited.ok, edited.text
    remote.refresh_from_db()
    assert remote.data["name"] == "Mouse Pro" and remote.data["price"] == 150
    assert remote.data["isHidden"] is True
    assert SandboxProduct.objects.filter(instance=box).count() == 1
    product.refresh_from_db()
    assert (product.name, product.price, product.hidden) == ("Mouse Pro", "150", True)

    assert product_delete(product=product).ok
    assert not SandboxProduct.objects.filter(instance=box).exists()
    assert not Product.objects.filter(instance=ours).exists()


def test_sync_reads_products_settings_and_collections(paired):
    ours, box = paired
    for n in range(3):
        SandboxProduct.objects.create(
            instance=box, product_id=f"P{n}", data={"name": f"Item {n}", "price": "1000"}
        )
    SandboxCollection.objects.create(
        instance=box, collection_id="C1", name="Summer", product_ids=["P0", "P2"]
    )
    box.data["cartEnabled"] = False
    box.save()
    Product.objects.create(
        instance=ours, product_id="GONE", name="Gone", read_at="2026-01-01T00:00Z"
    )

    outcome = catalog_sync(instance=ours)

    assert outcome.ok, outcome.text
    assert "3 products and 1 collections" in outcome.text
    assert sorted(Product.objects.filter(instance=ours).values_list("product_id", flat=True)) == [
        "P0", "P1", "P2"
    ]  # fmt: skip
    item = Product.objects.get(instance=ours, product_id="P1")
    assert (item.price, item.currency, item.availability) == ("1000", "BRL", "in stock")
    collection = Collection.objects.get(instance=ours)
    assert (collection.name, collection.status, collection.product_ids) == (
        "Summer", "APPROVED", ["P0", "P2"]
    )  # fmt: skip
    assert BusinessAccount.objects.get(instance=ours).cart_enabled is False


def test_collections_create_rename_add_remove_delete(paired):
    ours, box = paired
    first = product_save(instance=ours, fields=MOUSE).value
    second = product_save(instance=ours, fields={**MOUSE, "name": "Pad", "retailer_id": "P"}).value
    created = collection_create(instance=ours, name="Desk", product_ids=[first.product_id])
    assert created.ok, created.text
    collection = created.value
    remote = SandboxCollection.objects.get(instance=box, collection_id=collection.collection_id)
    assert remote.product_ids == [first.product_id]

    assert collection_rename(collection=collection, name="Desk set").ok
    remote.refresh_from_db()
    assert remote.name == "Desk set"

    added = collection_products_change(collection=collection, product_ids=[second.product_id],
                                       add=True)  # fmt: skip
    assert added.ok, added.text
    remote.refresh_from_db()
    assert remote.product_ids == [first.product_id, second.product_id]
    assert collection.product_ids == remote.product_ids

    assert collection_products_change(collection=collection, product_ids=[first.product_id],
                                      add=False).ok  # fmt: skip
    remote.refresh_from_db()
    assert remote.product_ids == [second.product_id]

    assert collection_delete(collection=collection).ok
    assert not SandboxCollection.objects.filter(instance=box).exists()
    assert not Collection.objects.filter(instance=ours).exists()


def test_catalog_settings_reach_zapi(paired):
    ours, box = paired
    assert catalog_configure(instance=ours, cart_enabled=False).ok
    box.refresh_from_db()
    assert box.data["cartEnabled"] is False
    assert BusinessAccount.objects.get(instance=ours).cart_enabled is False


def test_another_numbers_catalog_pages_by_cursor(paired):
    ours, _box = paired
    shop = sandbox_instance_create(name="Shop", connected=True, phone="5521988880000")
    for n in range(12):
        data = {"name": f"S{n}", "price": "5"}
        SandboxProduct.objects.create(instance=shop, product_id=f"S{n}", data=data)
    first = catalog_of_phone(instance=ours, phone="5521988880000")
    assert first.ok and len(first.value.products) == 10 and first.value.next_cursor
    second = catalog_of_phone(instance=ours, phone="5521988880000", cursor=first.value.next_cursor)
    assert len(second.value.products) == 2 and not second.value.next_cursor


def test_a_disconnected_phone_is_told_in_words(unpaired):
    ours, _box = unpaired
    outcome = catalog_sync(instance=ours)
    assert not outcome.ok
    assert "Z-API error" in outcome.text


def test_send_a_product_and_the_catalog_through_the_outbound_path(paired, operator_client):
    ours, box = paired
    ours.phone = box.phone
    ours.connection_state = ConnectionState.CONNECTED
    ours.save()
    product = product_save(instance=ours, fields=MOUSE).value
    url = reverse("admin:messaging_compose", args=[ours.pk])
    page = operator_client.get(url + f"?kind=product&product={product.product_id}").content.decode()
    assert (
        f'<option value="{product.product_id}" selected>Mouse · BRL 100 (Z-API&#x27;s number)'
        "</option>"
    ) in page
    operator_client.post(url, {"chat_id": "5511988887777", "kind": "product",
                               "product_id": product.product_id})  # fmt: skip
    operator_client.post(url, {"chat_id": "5511988887777", "kind": "catalog",
                               "message": "Our catalog", "title": "Shop"})  # fmt: skip
    sent = list(Message.objects.filter(instance=ours).order_by("pk"))
    assert [m.endpoint for m in sent] == ["send_product", "send_catalog"]
    assert sent[0].payload == {"phone": "5511988887777", "catalogPhone": box.phone,
                               "productId": product.product_id}  # fmt: skip
    assert sent[0].text == "Mouse"
    assert sent[1].payload == {"phone": "5511988887777", "catalogPhone": box.phone,
                               "message": "Our catalog", "title": "Shop"}  # fmt: skip
    from messaging.models import InstancePacer

    InstancePacer.objects.filter(instance=ours).update(min_gap_seconds=0, max_gap_seconds=0)
    for _ in range(2):
        instance_dispatch(instance_id=ours.pk)
    assert set(Message.objects.filter(instance=ours).values_list("state", flat=True)) <= {
        MessageState.ACCEPTED, MessageState.SENT, MessageState.RECEIVED, MessageState.READ
    }  # fmt: skip
    reached = list(SandboxMessage.objects.filter(instance=box).order_by("pk"))
    assert [(m.endpoint, m.payload.get("productId")) for m in reached] == [
        ("send_product", product.product_id), ("send_catalog", None)
    ]  # fmt: skip


def test_a_non_business_number_is_not_offered_products(partner, operator_client):
    number = InstanceFactory(partner=partner, phone="5511900000000")
    number.settings_snapshot = {"device": {"isBusiness": False}}
    number.save()
    page = operator_client.get(reverse("admin:messaging_compose", args=[number.pk]))
    assert 'value="product"' not in page.content.decode()
    response = operator_client.post(reverse("admin:messaging_compose", args=[number.pk]),
                                    {"chat_id": "5511988887777", "kind": "catalog"})  # fmt: skip
    assert response.status_code == 200 and not Message.objects.exists()


# -- the pages ------------------------------------------------------------------------------


def _url(name: str, instance) -> str:
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def test_catalog_page_lists_products_with_thumbnails_and_collections(paired, operator_client):
    ours, _box = paired
    product_save(instance=ours, fields=MOUSE)
    product_save(
        instance=ours, fields={**MOUSE, "name": "Cable", "images": ["http://x.test/c.png"]}
    )
    collection_create(instance=ours, name="Desk <i>", product_ids=[])
    html = operator_client.get(_url("catalog", ours)).content.decode()
    assert '<img class="thumb" src="https://example.com/mouse.png"' in html
    # an http picture on this (http, test) page is fine; on https it would be left out
    assert "BRL 100" in html and "in stock" not in html  # our copy: what we sent
    assert "Desk &lt;i&gt;" in html


def test_prices_are_shown_as_zapis_number_labelled_not_guessed(paired, operator_client):
    """The spec gives ``price`` as an integer with no unit (20 when creating, "100000" when
    reading): the list and the form say so instead of dividing by 100 or 1000."""
    ours, _box = paired
    product_save(instance=ours, fields=MOUSE)
    Product.objects.create(instance=ours, product_id="NOPRICE", name="Free sample",
                           currency="BRL", read_at="2026-01-01T00:00Z")  # fmt: skip
    html = operator_client.get(_url("catalog", ours)).content.decode()
    assert "BRL 100 (Z-API&#x27;s number)" in html
    assert "sale BRL 90 (Z-API&#x27;s number)" in html
    assert "R$ 1,00" not in html and "BRL 1.00" not in html and "BRL 100.00" not in html
    assert 'class="help price-note"' in html and "does not say their unit" in html
    row = html.split('id="product-', 3)[1:]
    assert any("Free sample" in r and '<td class="product-price"' in r and "—" in r for r in row)
    form = operator_client.get(_url("catalog_product", ours)).content.decode()
    assert "Price (Z-API&#x27;s number)" in form and "does not say their unit" in form
    assert "Sale price (Z-API&#x27;s number)" in form


def test_product_form_validates_and_saves(paired, operator_client):
    ours, box = paired
    url = _url("catalog_product", ours)
    bad = operator_client.post(url, {"name": "X", "price": "-1", "currency": "REAL"})
    assert bad.status_code == 200
    assert "Three letters" in bad.content.decode()
    operator_client.post(url, {"name": "Lamp", "price": "30", "currency": "usd",
                               "image_url": "https://example.com/l.png"})  # fmt: skip
    remote = SandboxProduct.objects.get(instance=box)
    assert remote.data["currency"] == "USD" and remote.data["price"] == 30
    product = Product.objects.get(instance=ours)
    edit = operator_client.get(url + f"?product={product.pk}").content.decode()
    assert 'value="Lamp"' in edit


def test_a_product_of_another_instance_is_404(paired, operator_client, partner):
    ours, _box = paired
    other = InstanceFactory(partner=partner)
    foreign = Product.objects.create(instance=other, product_id="F", name="F",
                                     read_at="2026-01-01T00:00Z")  # fmt: skip
    assert (
        operator_client.get(_url("catalog_product", ours) + f"?product={foreign.pk}").status_code
        == 404
    )
    assert (
        operator_client.post(_url("catalog_delete", ours), {"product": foreign.pk}).status_code
        == 404
    )
    assert Product.objects.filter(pk=foreign.pk).exists()


def test_picture_url_refuses_mixed_content(rf):
    from instances.templatetags.business_tags import picture_url

    secure = rf.get("/", secure=True)
    plain = rf.get("/")
    assert picture_url("https://a/b.png", secure) == "https://a/b.png"
    assert picture_url("http://a/b.png", secure) == ""
    assert picture_url("http://a/b.png", plain) == "http://a/b.png"
    assert picture_url("javascript:alert(1)", plain) == ""


def test_other_sandbox_pair_is_independent(live_url, partner):
    a, _ = make_pair(partner, connected=True)
    assert catalog_sync(instance=a).ok
