"""Audit rows for what people do to a WhatsApp Business number (issue 11): labels, chats'
labels, products, the company profile and copies to other numbers, each with Z-API's answer
in words and never a secret. Against the sandbox over real HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from instances.business.copy import business_copy_run
from instances.business.labels import label_create
from instances.business.models import BusinessCopy, Collection, Label, Product
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "5511988887777"


def _url(name: str, instance) -> str:
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def _rows(instance, action):
    return list(AuditEntry.objects.filter(instance=instance, action=action).order_by("at", "pk"))


def _no_secret(instance, rows) -> None:
    text = str([(row.target, row.details) for row in rows])
    assert str(instance.token) not in text
    assert str(instance.webhook_secret) not in text


def test_label_actions_leave_audit_rows_with_zapis_answer(paired, operator_client, operator):
    ours, _box = paired
    operator_client.post(_url("labels_create", ours), {"name": "Lead", "color": "4"})
    label = Label.objects.get(instance=ours)
    operator_client.post(
        _url("labels_edit", ours),
        {"label": label.pk, f"l{label.pk}-name": "Hot lead", f"l{label.pk}-color": "6"},
    )
    operator_client.post(
        _url("labels_chat", ours), {"label": label.pk, "chat_id": CUSTOMER, "on": "1"}
    )
    operator_client.post(
        _url("labels_bulk", ours),
        {"label": label.pk, "chat_ids": f"{CUSTOMER}\n5511900000005", "on": "remove"},
    )
    operator_client.post(_url("labels_delete", ours), {"label": label.pk})

    [created] = _rows(ours, AuditAction.LABEL_CREATE)
    assert created.actor == operator and created.partner_id == ours.partner_id
    assert created.details["label"] == "Lead" and created.details["ok"] is True
    assert created.details["said"] == ["Create label “Lead”: Created."]
    [edited] = _rows(ours, AuditAction.LABEL_EDIT)
    assert (edited.details["label"], edited.details["name"]) == ("Lead", "Hot lead")
    one, bulk = _rows(ours, AuditAction.CHAT_LABEL)
    assert (one.details["on"], one.details["chats"]) == (True, 1)
    assert (bulk.details["on"], bulk.details["chats"], bulk.details["done"]) == (False, 2, 2)
    assert len(bulk.details["said"]) == 2
    [deleted] = _rows(ours, AuditAction.LABEL_DELETE)
    assert deleted.details["label"] == "Hot lead" and deleted.details["said"]
    _no_secret(ours, AuditEntry.objects.filter(instance=ours))


def test_a_refusal_is_audited_in_words_too(paired, operator_client):
    ours, _box = paired
    ghost = Label.objects.create(
        instance=ours, label_id="999999", name="Ghost", read_at="2026-01-01T00:00Z"
    )
    operator_client.post(
        _url("labels_chat", ours), {"label": ghost.pk, "chat_id": CUSTOMER, "on": "1"}
    )
    [row] = _rows(ours, AuditAction.CHAT_LABEL)
    assert row.details["ok"] is False
    assert "Tag not found" in row.details["said"][0]


def test_product_and_profile_changes_leave_audit_rows(paired, operator_client):
    ours, _box = paired
    url = _url("catalog_product", ours)
    operator_client.post(url, {"name": "Lamp", "price": "30", "currency": "usd"})
    product = Product.objects.get(instance=ours)
    operator_client.post(
        url + f"?product={product.pk}", {"name": "Lamp 2", "price": "31", "currency": "usd"}
    )
    operator_client.post(_url("catalog_delete", ours), {"product": product.pk})
    operator_client.post(
        _url("company", ours),
        {"description": "Bakery", "email": "a@b.co", "timezone": "America/Sao_Paulo",
         "mode": "open24h"},
    )  # fmt: skip

    [created] = _rows(ours, AuditAction.PRODUCT_CREATE)
    assert created.details["product"] == "Lamp" and created.details["ok"]
    [edited] = _rows(ours, AuditAction.PRODUCT_EDIT)
    assert edited.details["product"] == "Lamp 2"
    [deleted] = _rows(ours, AuditAction.PRODUCT_DELETE)
    assert deleted.details["product"] == "Lamp 2" and deleted.details["said"]
    [profile] = _rows(ours, AuditAction.COMPANY_PROFILE)
    assert profile.details["said"] and all(": " in s for s in profile.details["said"])
    _no_secret(ours, AuditEntry.objects.filter(instance=ours))


def test_a_copy_is_audited_when_asked_and_when_done(paired, operator_client, operator, settings):
    settings.BUSINESS_COPY_PACE_SECONDS = 0
    ours, _box = paired
    label_create(instance=ours, name="VIP", color=3)
    personal = InstanceFactory(
        partner=ours.partner, name="Personal", settings_snapshot={"device": {"isBusiness": False}}
    )
    operator_client.post(
        _url("business_copy", ours), {"targets": [personal.pk], "parts": ["labels"]}
    )
    [asked] = _rows(ours, AuditAction.BUSINESS_COPY)
    assert asked.actor == operator and asked.ip == "127.0.0.1"
    assert asked.details["to"] == ["Personal"] and asked.details["parts"] == ["labels"]

    business_copy_run(copy_id=BusinessCopy.objects.get().pk)
    [done] = _rows(ours, AuditAction.BUSINESS_COPY_DONE)
    assert done.actor == operator and done.details["ok"] is False
    [said] = done.details["said"]
    assert said.startswith("Personal: Not a WhatsApp Business number")
    _no_secret(ours, [asked, done])


def test_collection_and_catalog_settings_changes_leave_audit_rows(
    paired, operator_client, operator
):
    ours, box = paired
    url = _url("catalog_product", ours)
    operator_client.post(url, {"name": "Lamp", "price": "30", "currency": "BRL"})
    operator_client.post(url, {"name": "Shade", "price": "9", "currency": "BRL"})
    lamp, shade = Product.objects.filter(instance=ours).order_by("name")
    operator_client.post(
        _url("catalog_collection_new", ours), {"name": "Desk", "products": [lamp.product_id]}
    )
    collection = Collection.objects.get(instance=ours)
    edit = _url("catalog_collection_edit", ours)
    operator_client.post(edit, {"collection": collection.pk, "name": "Desk set"})
    operator_client.post(
        _url("catalog_collection_products", ours),
        {"collection": collection.pk, "products": [shade.product_id], "add": "1"},
    )
    operator_client.post(edit, {"collection": collection.pk, "delete": "1"})
    operator_client.post(_url("catalog_settings", ours), {})  # the cart box left unticked
    # Z-API refuses: the collection is gone there already (deleted behind our back).
    ghost = Collection.objects.create(
        instance=ours, collection_id="404404", name="Ghost", read_at="2026-01-01T00:00Z"
    )
    operator_client.post(edit, {"collection": ghost.pk, "name": "Still ghost"})

    [created] = _rows(ours, AuditAction.COLLECTION_CREATE)
    assert created.actor == operator and created.ip == "127.0.0.1"
    assert (created.details["collection"], created.details["products"]) == ("Desk", ["Lamp"])
    assert created.details["ok"] is True and created.details["said"]
    renamed, refused = _rows(ours, AuditAction.COLLECTION_RENAME)
    assert (renamed.details["collection"], renamed.details["name"]) == ("Desk", "Desk set")
    assert renamed.details["ok"] is True
    assert refused.details["collection"] == "Ghost" and refused.details["ok"] is False
    assert "Collection not found" in refused.details["said"][0]
    [added] = _rows(ours, AuditAction.COLLECTION_PRODUCTS)
    assert (added.details["collection"], added.details["add"]) == ("Desk set", True)
    assert added.details["products"] == ["Shade"] and added.details["ok"] is True
    [deleted] = _rows(ours, AuditAction.COLLECTION_DELETE)
    assert deleted.details["collection"] == "Desk set" and deleted.details["ok"] is True
    [cart] = _rows(ours, AuditAction.CATALOG_SETTINGS)
    assert cart.details["cart"] is False and cart.details["ok"] is True
    box.refresh_from_db()
    assert box.data["cartEnabled"] is False
    _no_secret(ours, AuditEntry.objects.filter(instance=ours))
