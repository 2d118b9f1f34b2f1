"""The catalog (spec 001, "WhatsApp Business"): products, collections and catalog
settings; another business number's public catalog by phone.

Our rows are the copy of what Z-API last answered; every write goes to Z-API first and
changes our copy only when Z-API said yes. Every function answers an ``Outcome``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from instances.business.labels import business_account
from instances.business.models import Collection, Product
from instances.models import Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client

# Cursor pages followed per read: enough for any real catalog, and a stop for a loop.
PAGES_MAX = 100


def instance_phone(instance: Instance) -> str:
    """The number's own phone (the catalog owner of ``catalogPhone`` and of the
    collection-products path): ours, else what ``/device`` said."""
    device = (instance.settings_snapshot or {}).get("device") or {}
    return instance.phone or str(device.get("phone") or "")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def product_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Z-API's product object ("WhatsApp Business > Get Products") as our ``Product`` fields."""
    images = row.get("images") or []
    # The create example sends a string ("WhatsApp Business > Criar/editar Produto")
    if isinstance(images, str):
        images = [images]
    return {
        "name": _text(row.get("name"))[:200],
        "description": _text(row.get("description")),
        "price": _text(row.get("price"))[:32],
        "sale_price": _text(row.get("salePrice"))[:32],
        "currency": _text(row.get("currency"))[:8],
        "images": [str(i) for i in images if i],
        "url": _text(row.get("url"))[:1000],
        "retailer_id": _text(row.get("retailerId"))[:100],
        "hidden": bool(row.get("isHidden")),
        "availability": _text(row.get("availability"))[:40],
    }


@dataclass
class Page:
    """One page of a catalog read from Z-API (``nextCursor`` "" on the last)."""

    products: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str = ""
    cart_enabled: bool | None = None


def _page(data: Any) -> Page:
    data = data if isinstance(data, dict) else {}
    rows = [r for r in data.get("products") or [] if isinstance(r, dict) and r.get("id")]
    cart = data.get("cartEnabled")
    return Page(rows, _text(data.get("nextCursor")), cart if isinstance(cart, bool) else None)


def _rows(outcome: Outcome[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [r for r in (outcome.value or {}).get(key) or [] if isinstance(r, dict)]


def _read_all(
    first: Callable[[], Any], more: Callable[[str], Any], key: str
) -> Outcome[dict[str, Any]]:
    """Follow ``nextCursor`` from ``first()`` through ``more(cursor)``; rows under ``key``."""
    action = _("Read the catalog")
    outcome = zapi_outcome(action, first)
    if not outcome.ok:
        return outcome.failed_as(action)
    data = outcome.value if isinstance(outcome.value, dict) else {}
    rows = list(data.get(key) or [])
    cursor, pages = _text(data.get("nextCursor")), 1
    while cursor and pages < PAGES_MAX:
        outcome = zapi_outcome(action, partial(more, cursor))
        if not outcome.ok:
            return outcome.failed_as(action)
        page = outcome.value if isinstance(outcome.value, dict) else {}
        rows += list(page.get(key) or [])
        cursor, pages = _text(page.get("nextCursor")), pages + 1
    return Outcome(ok=True, action=action, text="", value={**data, key: rows})


def catalog_sync(*, instance: Instance) -> Outcome[int]:
    """Read the products (``GET /catalogs``, then ``nextCursor`` pages through
    ``/catalogs/{phone}``), the catalog settings and the collections with their products."""
    action = _("Sync catalog")
    client = instance_client(instance)
    phone = instance_phone(instance)
    # The collection-products path needs the catalog owner's phone ("WhatsApp Business > List
    # products in a collection")
    if not phone:
        device = zapi_outcome(_("Phone data"), client.device)
        phone = str(getattr(device.value, "phone", "") or "") if device.ok else ""
    products = _read_all(
        client.catalogs, lambda c: client.catalog_by_phone(phone, next_cursor=c), "products"
    )
    if not products.ok:
        return products.failed_as(action)
    collections = _read_all(
        client.collections, lambda c: client.collections(next_cursor=c), "collections"
    )
    if not collections.ok:
        return collections.failed_as(action)
    members: dict[str, list[str]] = {}
    for row in _rows(collections, "collections"):
        cid = _text(row.get("id"))

        def more(cursor: str, cid: str = cid) -> Any:
            return client.collection_products(phone, cid, next_cursor=cursor)

        listed = _read_all(partial(client.collection_products, phone, cid), more, "products")
        if listed.ok:
            members[cid] = [_text(p.get("id")) for p in _rows(listed, "products") if p.get("id")]
    page = _page(products.value)
    now = timezone.now()
    with transaction.atomic():
        account = business_account(instance)
        account.catalog_read_at = now
        account.cart_enabled = page.cart_enabled
        account.save(update_fields=["catalog_read_at", "cart_enabled", "updated_at"])
        ids = []
        for row in page.products:
            ids.append(_text(row["id"]))
            Product.objects.update_or_create(
                instance=instance,
                product_id=_text(row["id"]),
                defaults={**product_fields(row), "read_at": now},
            )
        Product.objects.filter(instance=instance).exclude(product_id__in=ids).delete()
        cids = []
        for row in _rows(collections, "collections"):
            cid = _text(row.get("id"))
            if not cid:
                continue
            cids.append(cid)
            defaults: dict[str, Any] = {
                "name": _text(row.get("name"))[:120],
                "status": _text(row.get("status"))[:20],
                "read_at": now,
            }
            if cid in members:
                defaults["product_ids"] = members[cid]
            Collection.objects.update_or_create(
                instance=instance, collection_id=cid, defaults=defaults
            )
        Collection.objects.filter(instance=instance).exclude(collection_id__in=cids).delete()
    text = _("%(p)d products and %(c)d collections read from Z-API.") % {
        "p": len(ids),
        "c": len(cids),
    }
    return Outcome(ok=True, action=action, text=text, value=len(ids))


def product_body(fields: dict[str, Any], *, product_id: str = "") -> dict[str, Any]:
    """The ``POST /products`` body ("WhatsApp Business > Criar/editar Produto") from the form's
    fields."""
    body: dict[str, Any] = {
        "name": fields["name"],
        "description": fields.get("description") or "",
        "price": fields["price"],
        "currency": fields.get("currency") or "BRL",
        "images": [u for u in fields.get("images") or [] if u],
        "isHidden": bool(fields.get("hidden")),
    }
    if fields.get("sale_price") is not None:
        body["salePrice"] = fields["sale_price"]
    for key, name in (("url", "url"), ("retailer_id", "retailerId")):
        if fields.get(key):
            body[name] = fields[key]
    if product_id:
        body["id"] = product_id
    return body


def product_save(
    *, instance: Instance, fields: dict[str, Any], product: Product | None = None
) -> Outcome[Product]:
    """Create (``product`` None) or edit a product at Z-API, then in our copy."""
    name = fields["name"]
    action = (_("Edit product “%(n)s”") if product else _("Create product “%(n)s”")) % {"n": name}
    body = product_body(fields, product_id=product.product_id if product else "")
    outcome = zapi_outcome(action, lambda: instance_client(instance).product_upsert(body))
    product_id = _text((outcome.value or {}).get("id")) if outcome.ok else ""
    if not product_id:
        return outcome.failed_as(action)
    row = {**body, "price": str(body["price"]), "salePrice": body.get("salePrice")}
    saved, _created = Product.objects.update_or_create(
        instance=instance,
        product_id=product_id,
        defaults={**product_fields(row), "read_at": timezone.now()},
    )
    return Outcome(ok=True, action=action, text=_("Saved at Z-API."), value=saved)


def product_delete(*, product: Product) -> Outcome[None]:
    action = _("Delete product “%(n)s”") % {"n": product.name}
    client = instance_client(product.instance)
    outcome = zapi_outcome(action, lambda: client.product_delete(product.product_id))
    if not outcome.ok:
        return outcome.failed_as(action)
    product_id = product.product_id
    product.delete()
    for collection in Collection.objects.filter(instance=product.instance):
        if product_id in collection.product_ids:
            collection.product_ids = [p for p in collection.product_ids if p != product_id]
            collection.save(update_fields=["product_ids"])
    return Outcome(ok=True, action=action, text=_("Deleted."))


def catalog_configure(*, instance: Instance, cart_enabled: bool) -> Outcome[None]:
    action = _("Catalog settings")
    client = instance_client(instance)
    outcome = zapi_outcome(action, lambda: client.catalog_config(cart_enabled=cart_enabled))
    if not outcome.ok:
        return outcome.failed_as(action)
    account = business_account(instance)
    account.cart_enabled = cart_enabled
    account.save(update_fields=["cart_enabled", "updated_at"])
    return Outcome(ok=True, action=action, text=_("Saved at Z-API."))


def collection_create(
    *, instance: Instance, name: str, product_ids: list[str]
) -> Outcome[Collection]:
    action = _("Create collection “%(n)s”") % {"n": name}
    client = instance_client(instance)
    outcome = zapi_outcome(action, lambda: client.collection_create(name, product_ids))
    cid = _text((outcome.value or {}).get("collectionId")) if outcome.ok else ""
    if not cid:
        return outcome.failed_as(action)
    row = Collection.objects.create(
        instance=instance,
        collection_id=cid,
        name=name,
        product_ids=list(product_ids),
        read_at=timezone.now(),
    )
    return Outcome(ok=True, action=action, text=_("Created."), value=row)


def collection_rename(*, collection: Collection, name: str) -> Outcome[Collection]:
    action = _("Rename collection “%(n)s”") % {"n": collection.name}
    client = instance_client(collection.instance)
    outcome = zapi_outcome(action, lambda: client.collection_edit(collection.collection_id, name))
    if not outcome.ok:
        return outcome.failed_as(action)
    collection.name = name
    collection.collection_id = (
        _text((outcome.value or {}).get("collectionId")) or collection.collection_id
    )
    collection.read_at = timezone.now()
    collection.save(update_fields=["name", "collection_id", "read_at"])
    return Outcome(ok=True, action=action, text=_("Renamed."), value=collection)


def collection_delete(*, collection: Collection) -> Outcome[None]:
    action = _("Delete collection “%(n)s”") % {"n": collection.name}
    client = instance_client(collection.instance)
    outcome = zapi_outcome(action, lambda: client.collection_delete(collection.collection_id))
    if not outcome.ok:
        return outcome.failed_as(action)
    collection.delete()
    return Outcome(ok=True, action=action, text=_("Deleted."))


def collection_products_change(
    *, collection: Collection, product_ids: list[str], add: bool
) -> Outcome[Collection]:
    """Add or remove products. WhatsApp gives the collection a new id each time ("WhatsApp
    Business > Add products to collection"): we keep the id Z-API answers, so the next operation
    uses the right one."""
    verb = _("Add to “%(n)s”") if add else _("Remove from “%(n)s”")
    action = verb % {"n": collection.name}
    client = instance_client(collection.instance)
    call = client.collection_add_products if add else client.collection_remove_products
    outcome = zapi_outcome(action, lambda: call(collection.collection_id, product_ids))
    if not outcome.ok:
        return outcome.failed_as(action)
    answer = outcome.answer or {}
    collection.collection_id = _text(answer.get("collectionId")) or collection.collection_id
    if add:
        ids = collection.product_ids + [p for p in product_ids if p not in collection.product_ids]
    else:
        ids = [p for p in collection.product_ids if p not in product_ids]
    collection.product_ids = ids
    collection.read_at = timezone.now()
    collection.save(update_fields=["collection_id", "product_ids", "read_at"])
    return Outcome(ok=True, action=action, text=_("Done."), value=collection)


def catalog_of_phone(*, instance: Instance, phone: str, cursor: str = "") -> Outcome[Page]:
    """One page of another business number's public catalog (``/catalogs/{phone}``),
    read through this number; not stored."""
    action = _("Catalog of %(phone)s") % {"phone": phone}
    client = instance_client(instance)
    outcome = zapi_outcome(
        action, lambda: client.catalog_by_phone(phone, next_cursor=cursor or None)
    )
    if not outcome.ok:
        return outcome.failed_as(action)
    return Outcome(ok=True, action=action, text="", value=_page(outcome.value))
