"""WhatsApp Business state (spec 001, "WhatsApp Business"): labels and their colors, chat labels,
products, catalog settings, collections and the company profile."""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.api import INVALID_REQUEST, Answer, ApiError, Call
from sandbox.handlers import handles
from sandbox.handlers.generic import require_phone
from sandbox.models import (
    SandboxChat,
    SandboxCollection,
    SandboxInstance,
    SandboxProduct,
    SandboxTag,
)

# "WhatsApp Business > Label cores": color index -> hex (colors vary by platform; these are
# WhatsApp's Android ones).
TAG_COLORS = (
    "#FF9485", "#64C4FF", "#FFD429", "#DFAEF0", "#99B6C1", "#55CCB3", "#FF9DFF", "#D3A91D",
    "#6D7CCE", "#D7E752", "#00D0E2", "#FFC5C7", "#93CEAC", "#F74848", "#00A0F2", "#83E422",
    "#FFAF04", "#B5EBFF", "#9BA6FF", "#9368CF",
)  # fmt: skip
CATEGORIES = (
    ("Shopping & Retail", "shopping"),
    ("Restaurant", "restaurant"),
    ("Professional Services", "services"),
    ("Education", "education"),
    ("Beauty, Spa and Salon", "beauty"),
)


def _color(data: dict[str, Any]) -> int:
    color = data.get("color", 0)
    if isinstance(color, bool) or not isinstance(color, int) or not 0 <= color < len(TAG_COLORS):
        raise ApiError(400, INVALID_REQUEST, field="color")
    return color


def _tag(call: Call, key: str) -> SandboxTag:
    tag_id = call.params[key]
    tag = call.inst.tags.filter(pk=int(tag_id)).first() if tag_id.isdigit() else None
    if tag is None:
        raise ApiError(404, "Tag not found")
    return tag


@handles("tags")
def tags(call: Call) -> Answer:
    require_phone(call)
    return [{"id": str(t.pk), "name": t.name, "color": t.color} for t in call.inst.tags.all()]


@handles("tag_colors")
def tag_colors(call: Call) -> Answer:
    return {str(n): color for n, color in enumerate(TAG_COLORS)}


@handles("tag_create")
def tag_create(call: Call) -> Answer:
    require_phone(call)
    data = call.require("name")
    tag = SandboxTag.objects.create(
        instance=call.inst, name=str(data["name"])[:100], color=_color(data)
    )
    return {"id": str(tag.pk)}


@handles("tag_edit")
def tag_edit(call: Call) -> Answer:
    require_phone(call)
    tag = _tag(call, "tagId")
    data = call.require("name")
    tag.name, tag.color = str(data["name"])[:100], _color({"color": tag.color, **data})
    tag.save(update_fields=["name", "color"])
    return {"success": True}


@handles("tag_delete")
def tag_delete(call: Call) -> Answer:
    require_phone(call)
    tag = _tag(call, "tagId")
    # In Python: JSON "contains" is not available on SQLite (the embedded default).
    for chat in call.inst.chats.exclude(tags=[]):
        if str(tag.pk) in chat.tags:
            chat.tags = [t for t in chat.tags if t != str(tag.pk)]
            chat.save(update_fields=["tags"])
    tag.delete()
    return {"success": True}


@handles("chat_tag_add", "chat_tag_remove")
def chat_tag(call: Call) -> Answer:
    require_phone(call)
    tag = _tag(call, "tag")
    chat, _ = SandboxChat.objects.get_or_create(instance=call.inst, phone=call.params["phone"])
    labels = [t for t in chat.tags if t != str(tag.pk)]
    if call.endpoint.name == "chat_tag_add":
        labels.append(str(tag.pk))
    chat.tags = labels
    chat.save(update_fields=["tags"])
    return {"value": True}


# -- products and catalogs ----------------------------------------------------------------------
def _product(row: SandboxProduct) -> dict[str, Any]:
    return {
        "availability": "in stock",
        "id": row.product_id,
        "retailerId": None,
        "description": "",
        "currency": "BRL",
        "quantity": None,
        "images": [],
        **row.data,
    }


def _cart(call: Call) -> bool:
    return bool(call.inst.data.get("cartEnabled", True))


@handles("product_upsert")
def product_upsert(call: Call) -> Answer:
    require_phone(call)
    data = call.require("name", "price")
    product_id = str(data.get("id") or data.get("productId") or secrets.randbelow(10**16))
    fields = {k: v for k, v in data.items() if k not in ("id", "productId")}
    row, created = SandboxProduct.objects.get_or_create(
        instance=call.inst, product_id=product_id, defaults={"data": fields}
    )
    if not created:
        row.data = {**row.data, **fields}
        row.save(update_fields=["data"])
    return {"id": product_id}


# Products per page of /catalogs/{phone}: small, so paging by nextCursor is exercised.
CATALOG_PAGE = 10


@handles("catalogs", "catalog_by_phone")
def catalogs(call: Call) -> Answer:
    """Own products (/catalogs: all of them), or one page of any sandbox number's catalog by
    its phone (another business number's public catalog), ``nextCursor`` to the next."""
    require_phone(call)
    phone = call.params.get("phone")
    if phone is None:
        return {
            "cartEnabled": _cart(call),
            "products": [_product(p) for p in call.inst.products.all()],
        }
    others = SandboxInstance.objects.filter(phone=phone, is_business=True)
    owner = call.inst if phone == call.inst.phone else others.exclude(pk=call.inst.pk).first()
    rows = list(owner.products.all()) if owner is not None else []
    cursor = call.query.get("nextCursor") or "0"
    start = int(cursor) if cursor.isdigit() else 0
    page = rows[start : start + CATALOG_PAGE]
    more = start + CATALOG_PAGE < len(rows)
    return {
        "cartEnabled": bool(owner.data.get("cartEnabled", True)) if owner else False,
        "products": [_product(p) for p in page],
        "nextCursor": str(start + CATALOG_PAGE) if more else None,
    }


def _product_row(call: Call) -> SandboxProduct:
    row = call.inst.products.filter(product_id=call.params["productId"]).first()
    if row is None:
        raise ApiError(404, "Product not found")
    return row


@handles("product")
def product(call: Call) -> Answer:
    require_phone(call)
    return {"cartEnabled": _cart(call), **_product(_product_row(call))}


@handles("product_delete")
def product_delete(call: Call) -> Answer:
    require_phone(call)
    _product_row(call).delete()
    return {"success": True}


@handles("catalog_config")
def catalog_config(call: Call) -> Answer:
    require_phone(call)
    enabled = call.data().get("cartEnabled")
    if not isinstance(enabled, bool):
        raise ApiError(400, INVALID_REQUEST, field="cartEnabled")
    call.inst.data["cartEnabled"] = enabled
    call.inst.save(update_fields=["data"])
    return {"success": True}


def _collection(call: Call, collection_id: str) -> SandboxCollection:
    row = call.inst.collections.filter(collection_id=collection_id).first()
    if row is None:
        raise ApiError(404, "Collection not found")
    return row


def _product_ids(data: dict[str, Any]) -> list[str]:
    ids = data.get("productIds", [])
    if not isinstance(ids, list):
        raise ApiError(400, INVALID_REQUEST, field="productIds")
    return [str(i) for i in ids]


@handles("collection_create")
def collection_create(call: Call) -> Answer:
    require_phone(call)
    data = call.require("name")
    row = SandboxCollection.objects.create(
        instance=call.inst,
        collection_id=str(10**14 + secrets.randbelow(10**14)),
        name=str(data["name"])[:120],
        product_ids=_product_ids(data),
    )
    return {"collectionId": row.collection_id}


@handles("collections")
def collections(call: Call) -> Answer:
    require_phone(call)
    rows = [
        {"id": c.collection_id, "name": c.name, "status": "APPROVED"}
        for c in call.inst.collections.all()
    ]
    return {"collections": rows, "nextCursor": None}


@handles("collection_delete")
def collection_delete(call: Call) -> Answer:
    require_phone(call)
    _collection(call, call.params["collectionId"]).delete()
    return {"success": True}


@handles("collection_edit")
def collection_edit(call: Call) -> Answer:
    require_phone(call)
    row = _collection(call, call.params["collectionId"])
    row.name = str(call.require("name")["name"])[:120]
    row.save(update_fields=["name"])
    return {"success": True, "collectionId": row.collection_id}


@handles("collection_products")
def collection_products(call: Call) -> Answer:
    require_phone(call)
    row = _collection(call, call.query.get("collectionId", ""))
    products = call.inst.products.filter(product_id__in=row.product_ids)
    return {"nextCursor": None, "products": [_product(p) for p in products]}


@handles("collection_add_product", "collection_remove_product")
def collection_products_edit(call: Call) -> Answer:
    require_phone(call)
    data = call.require("collectionId", "productIds")
    row = _collection(call, str(data["collectionId"]))
    ids = _product_ids(data)
    if call.endpoint.name == "collection_add_product":
        row.product_ids = row.product_ids + [i for i in ids if i not in row.product_ids]
    else:
        row.product_ids = [i for i in row.product_ids if i not in ids]
    row.save(update_fields=["product_ids"])
    return {"success": True, "collectionId": row.collection_id}


# -- company profile ------------------------------------------------------------------------
_COMPANY = {
    "company_description": "value",
    "company_email": "value",
    "company_address": "value",
    "company_websites": "websites",
    "business_hours": "days",
    "business_categories": "categories",
}


@handles(*_COMPANY)
def company(call: Call) -> Answer:
    """An empty value removes the field ("WhatsApp Business > Change company description"); at most
    two websites ("WhatsApp Business > Change company websites")."""
    require_phone(call)
    key = _COMPANY[call.endpoint.name]
    data = call.data()
    if key not in data:
        raise ApiError(400, INVALID_REQUEST, field=key)
    if key == "websites" and (not isinstance(data[key], list) or len(data[key]) > 2):
        raise ApiError(400, INVALID_REQUEST, field=key)
    profile = call.inst.data.setdefault("company", {})
    profile[call.endpoint.name] = data if key == "days" else data[key]
    call.inst.save(update_fields=["data"])
    return {"success": True}


@handles("business_available_categories")
def available_categories(call: Call) -> Answer:
    require_phone(call)
    query = (call.query.get("query") or "").lower()
    return [
        {"displayName": name, "id": cid, "label": cid.upper()}
        for name, cid in CATEGORIES
        if query in name.lower()
    ]
