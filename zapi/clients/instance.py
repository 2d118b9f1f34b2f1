"""The client for one Z-API instance: ``/instances/{id}/token/{token}/...``."""

from __future__ import annotations

from typing import Any, ClassVar, Literal
from urllib.parse import quote

from zapi.clients.business import (
    CatalogMixin,
    ChatsMixin,
    CompanyProfileMixin,
    ContactsMixin,
    TagsMixin,
)
from zapi.clients.sends import SendsMixin
from zapi.endpoints import Endpoint, Scope
from zapi.events.kinds import WebhookKind, webhook_kind
from zapi.models import (
    Device,
    Me,
    PhoneCode,
    QrCodeImage,
    QueueCount,
    QueueCursorPage,
    QueuePage,
    RegistrationAvailability,
    RegistrationCodeResponse,
    Status,
    SuccessResult,
    ValueResult,
)

# Ways to receive the code of a mobile registration (spec 000).
RegistrationMethod = Literal["sms", "voice", "wa_old"]
REGISTRATION_METHODS: tuple[RegistrationMethod, ...] = ("sms", "voice", "wa_old")
# POST /queue (by cursor) takes at most this many a page.
QUEUE_CURSOR_MAX_PAGE_SIZE = 30


class InstanceClient(
    SendsMixin, ContactsMixin, ChatsMixin, TagsMixin, CatalogMixin, CompanyProfileMixin
):
    scope: ClassVar[Scope] = "instance"

    def __init__(
        self,
        base_url: str,
        instance_id: str,
        token: str,
        client_token: str | None = None,
        **kwargs: Any,
    ) -> None:
        """``kwargs``: ``http``, ``timeout``, ``max_retries``, ``backoff``, ``sleep``
        (see ``BaseClient``). ``base_url`` is e.g. ``zapi.ZAPI_BASE_URL``."""
        if not instance_id or not token:
            raise ValueError("instance_id and token are required")
        super().__init__(base_url, **kwargs)
        self.instance_id = instance_id
        self._token = token
        self._client_token = client_token

    def __repr__(self) -> str:
        return f"InstanceClient({self.base_url!r}, instance_id={self.instance_id!r}, token='***')"

    def _headers(self) -> dict[str, str]:
        # The account security token (spec 001, "Introduction"); without it, when it is enabled,
        # Z-API answers "null not allowed".
        return {"Client-Token": self._client_token} if self._client_token else {}

    def _secrets(self) -> tuple[str | None, ...]:
        return (self._token, self._client_token)

    def _prefix(self, endpoint: Endpoint) -> str:
        return f"/instances/{quote(self.instance_id, safe='')}/token/{quote(self._token, safe='')}"

    # -- pairing (spec 002, spec 001, "Instance") ------------------------------------------
    def qr_code(self) -> bytes:
        """The QR code bytes. WhatsApp invalidates it every 20 s: refresh every 10-20 s."""
        return self.request("qr_code").content

    def qr_code_image(self) -> QrCodeImage:
        return self._model(QrCodeImage, "qr_code_image")

    def phone_code(self, phone: str) -> PhoneCode:
        return self._model(PhoneCode, "phone_code", path={"phone": phone})

    # -- state -----------------------------------------------------------------------
    def status(self) -> Status:
        return self._model(Status, "status")

    def device(self) -> Device:
        return self._model(Device, "device")

    def me(self) -> Me:
        return self._model(Me, "me")

    def restart(self) -> ValueResult:
        return ValueResult.model_validate(self.call("restart") or {})

    def disconnect(self) -> ValueResult:
        return ValueResult.model_validate(self.call("disconnect") or {})

    # -- settings and profile (spec 001, "Instance", "Instance > Rename instance") --------
    def _value(self, name: str, value: Any) -> ValueResult:
        return ValueResult.model_validate(self.call(name, json={"value": value}) or {})

    def update_name(self, name: str) -> ValueResult:
        return self._value("update_name", name)

    def update_auto_read_message(self, enabled: bool) -> ValueResult:
        return self._value("update_auto_read_message", enabled)

    def update_auto_read_status(self, enabled: bool) -> ValueResult:
        return self._value("update_auto_read_status", enabled)

    def update_call_reject_auto(self, enabled: bool) -> ValueResult:
        return self._value("update_call_reject_auto", enabled)

    def update_call_reject_message(self, message: str) -> ValueResult:
        return self._value("update_call_reject_message", message)

    def update_profile_picture(self, url: str) -> ValueResult:
        return self._value("update_profile_picture", url)

    def update_profile_name(self, name: str) -> ValueResult:
        return self._value("update_profile_name", name)

    def update_profile_description(self, description: str) -> ValueResult:
        return self._value("update_profile_description", description)

    # -- webhook configuration (spec 001, "Webhooks") ------------------------------------
    def update_webhook(self, kind: WebhookKind | str, url: str) -> ValueResult:
        """PUT /update-webhook-{slug} for a kind of ``zapi.events.WEBHOOK_KINDS`` (a row or
        its name, e.g. ``"chat_presence"``). Z-API refuses non-HTTPS URLs ("Webhooks > Via api")."""
        row = kind if isinstance(kind, WebhookKind) else webhook_kind(kind)
        return self._value(row.endpoint, url)

    def update_every_webhooks(
        self, url: str, *, notify_sent_by_me: bool | None = None
    ) -> ValueResult:
        body: dict[str, Any] = {"value": url}
        if notify_sent_by_me is not None:
            body["notifySentByMe"] = notify_sent_by_me
        return ValueResult.model_validate(self.call("update_every_webhooks", json=body) or {})

    def update_notify_sent_by_me(self, enabled: bool) -> ValueResult:
        body = {"notifySentByMe": enabled}
        return ValueResult.model_validate(self.call("update_notify_sent_by_me", json=body) or {})

    # -- queue (spec 001, "Queue") ---------------------------------------------------
    def queue(self, *, page: int = 1, page_size: int = 100) -> QueuePage:
        """One page of queued messages. The spec's example is not valid JSON (``{[...]}``,
        "Queue > Fila"), so a bare list and ``{"messages": [...]}`` are both read."""
        data = self.call("queue", query={"page": page, "pageSize": page_size})
        if isinstance(data, list):
            data = {"messages": data}
        return QueuePage.model_validate(data or {})

    def queue_page(
        self, *, paging_state: str | None = None, page_size: int = 20
    ) -> QueueCursorPage:
        """One page of the queue by cursor: pass the ``pagingState`` of the previous page.
        Z-API takes at most 30 a page."""
        body: dict[str, Any] = {"pageSize": min(page_size, QUEUE_CURSOR_MAX_PAGE_SIZE)}
        if paging_state:
            body["pagingState"] = paging_state
        return self._model(QueueCursorPage, "queue_page", json=body)

    def queue_count(self) -> QueueCount:
        """The count's shape is undocumented: a bare number or ``{"count": n}``."""
        data = self.call("queue_count")
        if isinstance(data, int | str):
            data = {"count": int(data)}
        return QueueCount.model_validate(data or {})

    def queue_delete_all(self) -> None:
        self.call("queue_delete_all")

    def queue_delete(self, zaap_id: str) -> None:
        self.call("queue_delete", path={"zaapId": zaap_id})

    # -- mobile registration (spec 000, spec 001, "Mobile") ---------------------------------
    def mobile_registration_available(self, ddi: str, phone: str) -> RegistrationAvailability:
        # The example body of "Mobile > Check registration availability" says "she", a
        # mistranslation of "ddi" (its curl sends "ddi").
        body = {"ddi": ddi, "phone": phone}
        return self._model(RegistrationAvailability, "mobile_registration_available", json=body)

    def mobile_request_registration_code(
        self, ddi: str, phone: str, method: RegistrationMethod
    ) -> RegistrationCodeResponse:
        body = {"ddi": ddi, "phone": phone, "method": method}
        return self._model(RegistrationCodeResponse, "mobile_request_registration_code", json=body)

    def mobile_respond_captcha(self, captcha: str) -> SuccessResult:
        return self._model(SuccessResult, "mobile_respond_captcha", json={"captcha": captcha})

    def mobile_confirm_registration_code(self, code: str) -> SuccessResult:
        return self._model(SuccessResult, "mobile_confirm_registration_code", json={"code": code})

    def mobile_request_unbanning(self, appeal_token: str, description: str) -> SuccessResult:
        body = {"appealToken": appeal_token, "description": description}
        return self._model(SuccessResult, "mobile_request_unbanning", json=body)

    def mobile_confirm_pin_code(self, code: str) -> SuccessResult:
        return self._model(SuccessResult, "mobile_confirm_pin_code", json={"code": code})
