"""Reads on the WhatsApp Business copy: is this a business number, labels with their chat
counts, and the selectors other apps use to filter by label (contacts, campaigns)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from instances.business.models import (
    BusinessAccount,
    ChatLabel,
    Collection,
    Label,
    Product,
    price_label,
)
from instances.models import Instance


@dataclass(frozen=True)
class BusinessStatus:
    """Whether the business tabs work for a number, and if not, the sentence that says why."""

    enabled: bool
    known: bool
    reason: Any = ""


NOT_BUSINESS = _(
    "Not a WhatsApp Business number: labels, catalogs and the company profile work only "
    "on WhatsApp Business with multi-device (Z-API, WhatsApp Business)."
)
UNKNOWN = _(
    "Not known yet whether this is a WhatsApp Business number: refresh the instance data "
    "(Overview) while the phone is connected."
)


def business_status(instance: Instance) -> BusinessStatus:
    """From ``/device``'s ``isBusiness`` (spec 001, "Instance > Cell phone data") in the instance's
    snapshot. An unknown number keeps the tabs open (Z-API answers for itself) with a note."""
    device = (instance.settings_snapshot or {}).get("device") or {}
    is_business = device.get("isBusiness")
    if is_business is False:
        return BusinessStatus(enabled=False, known=True, reason=NOT_BUSINESS)
    if is_business is None:
        return BusinessStatus(enabled=True, known=False, reason=UNKNOWN)
    return BusinessStatus(enabled=True, known=True)


def business_account_of(instance: Instance) -> BusinessAccount:
    """The instance's business row, unsaved when none was read yet."""
    return BusinessAccount.objects.filter(instance=instance).first() or BusinessAccount(
        instance=instance
    )


def labels_with_counts(*, instance: Instance) -> QuerySet[Label]:
    """The instance's labels, each with ``chat_count``: how many of our chats carry it."""
    return Label.objects.filter(instance=instance).annotate(chat_count=Count("chats"))


def labels_of_instance(*, instance: Instance) -> QuerySet[Label]:
    return Label.objects.filter(instance=instance)


def label_colors(*, instance: Instance) -> dict[str, str]:
    account = BusinessAccount.objects.filter(instance=instance).first()
    return dict(account.label_colors) if account else {}


def labels_of_chat(*, instance: Instance, chat_id: str) -> list[Label]:
    return list(Label.objects.filter(instance=instance, chats__chat_id=chat_id))


def labels_for_user(user: Any) -> QuerySet[Label]:
    """Every label the user may see (for filter choices), with its instance."""
    return (
        Label.objects.for_user(user).select_related("instance").order_by("instance__name", "name")
    )


def label_chat_ids(*, label_ids: Iterable[int]) -> QuerySet[ChatLabel, str]:
    """The chat ids (phone digits, group ids, ``@lid``) that carry any of these labels.

    A lazy ``values_list``: use it as a subquery, e.g. ``Contact.objects.filter(
    phone__in=label_chat_ids(label_ids=[...]))`` (what a contacts filter or a campaign
    audience by label does). Scope the labels to the user first (``labels_for_user``)."""
    return (
        ChatLabel.objects.filter(label_id__in=list(label_ids))
        .values_list("chat_id", flat=True)
        .distinct()
    )


def contacts_with_label(contacts: QuerySet[Any], *, label_ids: Iterable[int]) -> QuerySet[Any]:
    """``contacts`` (a ``messaging.Contact`` queryset) narrowed to those whose chat carries
    one of the labels."""
    return contacts.filter(phone__in=label_chat_ids(label_ids=label_ids))


@dataclass(frozen=True)
class CatalogSender:
    """What compose needs to send a product or the catalog from a number."""

    phone: str
    choices: list[tuple[str, str]]
    names: dict[str, str]


def catalog_sender(instance: Instance) -> CatalogSender | None:
    """None when the number cannot send products (not business, or its phone unknown)."""
    from instances.business.catalog import instance_phone

    phone = instance_phone(instance)
    if not business_status(instance).enabled or not phone:
        return None
    rows = Product.objects.filter(instance=instance).values_list(
        "product_id", "name", "currency", "price"
    )
    choices = [
        (pid, f"{name} · {price_label(currency, price)}".strip(" ·"))
        for pid, name, currency, price in rows
    ]
    return CatalogSender(phone=phone, choices=choices, names={pid: name for pid, name, *_ in rows})


def products_of(*, instance: Instance) -> QuerySet[Product]:
    return Product.objects.filter(instance=instance)


def product_names(*, instance: Instance, product_ids: list[str]) -> list[str]:
    """The names of the number's products with these Z-API ids, in order (the id when we
    have no copy of it): what an audit row says of a collection's products."""
    names = dict(Product.objects.filter(instance=instance).values_list("product_id", "name"))
    return [names.get(pid, pid) for pid in product_ids]


def collections_of(*, instance: Instance) -> list[dict[str, Any]]:
    """Collections with their products (in the collection's order) and the others."""
    products = {p.product_id: p for p in products_of(instance=instance)}
    rows = []
    for collection in Collection.objects.filter(instance=instance):
        inside = [products[p] for p in collection.product_ids if p in products]
        outside = [p for pid, p in products.items() if pid not in collection.product_ids]
        rows.append({"collection": collection, "products": inside, "others": outside})
    return rows
