"""Contacts, chats, labels and WhatsApp Business (products, catalogs, collections, company
profile) on the instance client. Spec 001 "Contacts" and "WhatsApp Business"."""

from __future__ import annotations

from typing import Any

from zapi.clients.base import BaseClient
from zapi.models import PhoneExists, PhoneExistsBatchItem, SuccessResult, ValueResult


class ContactsMixin(BaseClient):
    def contacts(self, *, page: int = 1, page_size: int = 100) -> list[dict[str, Any]]:
        data = self.call("contacts", query={"page": page, "pageSize": page_size})
        return list(data or [])

    def contact_metadata(self, phone: str) -> dict[str, Any]:
        return dict(self.call("contact_metadata", path={"phone": phone}) or {})

    def phone_exists(self, phone: str) -> PhoneExists:
        """The spec's example wraps the answer in a list ("Contacts > Number with WhatsApp?"); both
        shapes are read."""
        data = self.call("phone_exists", path={"phone": phone})
        if isinstance(data, list):
            data = data[0] if data else {}
        return PhoneExists.model_validate(data)

    def phone_exists_batch(self, phones: list[str]) -> list[PhoneExistsBatchItem]:
        """Up to 50,000 phones per call (spec 001, "Contacts > Number with WhatsApp?")."""
        return self._models(PhoneExistsBatchItem, "phone_exists_batch", json={"phones": phones})

    def contact_block(self, phone: str, action: str) -> ValueResult:
        """``action`` is "block" or "unblock" ("Contacts > Block contact")."""
        data = self.call("contact_block", json={"phone": phone, "action": action})
        return ValueResult.model_validate(data or {})


class ChatsMixin(BaseClient):
    def chats(self, *, page: int = 1, page_size: int = 100) -> list[dict[str, Any]]:
        return list(self.call("chats", query={"page": page, "pageSize": page_size}) or [])

    def chat_metadata(self, phone: str) -> dict[str, Any]:
        return dict(self.call("chat_metadata", path={"phone": phone}) or {})

    def modify_chat(self, phone: str, action: str) -> SuccessResult:
        """``action``: read, unread, archive, unarchive, pin, unpin, mute, unmute, clear,
        delete ("Chats")."""
        data = self.call("modify_chat", json={"phone": phone, "action": action})
        return SuccessResult.model_validate(data or {})


class TagsMixin(BaseClient):
    def tags(self) -> list[dict[str, Any]]:
        return list(self.call("tags") or [])

    def tag_colors(self) -> dict[str, str]:
        """Color index -> hex code, ``{"0": "#FF9485", ...}`` (spec 001, "WhatsApp Business > Label
        cores")."""
        data = self.call("tag_colors") or {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def tag_create(self, name: str, color: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name}
        if color is not None:
            body["color"] = color
        return dict(self.call("tag_create", json=body) or {})

    def tag_edit(self, tag_id: str, name: str, color: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name}
        if color is not None:
            body["color"] = color
        return dict(self.call("tag_edit", path={"tagId": tag_id}, json=body) or {})

    def tag_delete(self, tag_id: str) -> None:
        self.call("tag_delete", path={"tagId": tag_id})

    def chat_tag_add(self, phone: str, tag: str) -> ValueResult:
        data = self.call("chat_tag_add", path={"phone": phone, "tag": tag})
        return ValueResult.model_validate(data or {})

    def chat_tag_remove(self, phone: str, tag: str) -> ValueResult:
        data = self.call("chat_tag_remove", path={"phone": phone, "tag": tag})
        return ValueResult.model_validate(data or {})


class CatalogMixin(BaseClient):
    def product_upsert(self, product: dict[str, Any]) -> dict[str, Any]:
        """Create or edit (``retailerId``...) a product ("WhatsApp Business > Criar/editar
        Produto")."""
        return dict(self.call("product_upsert", json=product) or {})

    def catalogs(self) -> Any:
        return self.call("catalogs")

    def catalog_by_phone(self, phone: str, *, next_cursor: str | None = None) -> Any:
        return self.call(
            "catalog_by_phone", path={"phone": phone}, query={"nextCursor": next_cursor}
        )

    def product(self, product_id: str) -> dict[str, Any]:
        return dict(self.call("product", path={"productId": product_id}) or {})

    def product_delete(self, product_id: str) -> SuccessResult:
        data = self.call("product_delete", path={"productId": product_id})
        return SuccessResult.model_validate(data or {})

    def catalog_config(self, *, cart_enabled: bool) -> SuccessResult:
        data = self.call("catalog_config", json={"cartEnabled": cart_enabled})
        return SuccessResult.model_validate(data or {})

    def collections(self, *, next_cursor: str | None = None) -> dict[str, Any]:
        """One page; ``nextCursor`` in the answer is None on the last ("WhatsApp Business > List
        collections")."""
        return dict(self.call("collections", query={"nextCursor": next_cursor}) or {})

    def collection_create(self, name: str, product_ids: list[str]) -> dict[str, Any]:
        body = {"name": name, "productIds": product_ids}
        return dict(self.call("collection_create", json=body) or {})

    def collection_edit(self, collection_id: str, name: str) -> dict[str, Any]:
        path = {"collectionId": collection_id}
        return dict(self.call("collection_edit", path=path, json={"name": name}) or {})

    def collection_delete(self, collection_id: str) -> SuccessResult:
        data = self.call("collection_delete", path={"collectionId": collection_id})
        return SuccessResult.model_validate(data or {})

    def collection_products(
        self, phone: str, collection_id: str, *, next_cursor: str | None = None
    ) -> dict[str, Any]:
        query = {"collectionId": collection_id, "nextCursor": next_cursor}
        data = self.call("collection_products", path={"phone": phone}, query=query)
        return dict(data or {})

    def collection_add_products(self, collection_id: str, product_ids: list[str]) -> SuccessResult:
        body = {"collectionId": collection_id, "productIds": product_ids}
        return SuccessResult.model_validate(self.call("collection_add_product", json=body) or {})

    def collection_remove_products(
        self, collection_id: str, product_ids: list[str]
    ) -> SuccessResult:
        body = {"collectionId": collection_id, "productIds": product_ids}
        data = self.call("collection_remove_product", json=body)
        return SuccessResult.model_validate(data or {})


class CompanyProfileMixin(BaseClient):
    """Company profile; an empty value removes the field ("WhatsApp Business > Change company
    description")."""

    def _company(self, name: str, body: dict[str, Any]) -> SuccessResult:
        return SuccessResult.model_validate(self.call(name, json=body) or {})

    def company_description(self, value: str) -> SuccessResult:
        return self._company("company_description", {"value": value})

    def company_email(self, value: str) -> SuccessResult:
        return self._company("company_email", {"value": value})

    def company_address(self, value: str) -> SuccessResult:
        return self._company("company_address", {"value": value})

    def company_websites(self, websites: list[str]) -> SuccessResult:
        """At most two websites ("WhatsApp Business > Change company websites")."""
        return self._company("company_websites", {"websites": websites})

    def business_hours(
        self, *, timezone: str, days: list[dict[str, str]], mode: str = "specificHours"
    ) -> SuccessResult:
        body = {"timezone": timezone, "days": days, "mode": mode}
        return self._company("business_hours", body)

    def business_available_categories(self, query: str | None = None) -> Any:
        return self.call("business_available_categories", query={"query": query})

    def business_categories(self, categories: list[str]) -> SuccessResult:
        return self._company("business_categories", {"categories": categories})
