"""Typed responses for what the product uses. Unknown fields are kept (``extra="allow"``)
because Z-API adds fields without notice; field names keep the spec's spelling."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zapi.events.kinds import WEBHOOK_KINDS, WebhookKind


class ZapiModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ValueResult(ZapiModel):
    """``{"value": true}`` from settings, profile and webhook updates (spec 001, "Instance > Rename
    instance")."""

    value: bool | None = None


class Status(ZapiModel):
    """GET /status (spec 001, "Instance > Instance status")."""

    connected: bool = False
    error: str | None = None
    smartphoneConnected: bool | None = None


class DeviceInfo(ZapiModel):
    sessionName: str | None = None
    device_model: str | None = None


class Device(ZapiModel):
    """GET /device (spec 001, "Instance > Cell phone data")."""

    phone: str | None = None
    imgUrl: str | None = None
    name: str | None = None
    device: DeviceInfo | None = None
    originalDevice: str | None = None
    sessionId: int | str | None = None
    isBusiness: bool | None = None


class Me(ZapiModel):
    """GET /me (spec 001, "Instance > Instance data")."""

    id: str | None = None
    token: str | None = None
    name: str | None = None
    due: int | None = None
    connected: bool | None = None
    paymentStatus: str | None = None
    created: Any = None
    # One ``*CallbackUrl`` per kind of ``zapi.events.WEBHOOK_KINDS`` (``callback_field``):
    # not written here but filled from the table (``_every_callback_field``), so a new kind
    # is read without a second list. They are extras: ``me.receivedCallbackUrl`` works.
    receiveCallbackSentByMe: bool | None = None
    callRejectAuto: bool | None = None
    callRejectMessage: str | None = None
    autoReadMessage: bool | None = None
    initialDataCallbackUrl: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _every_callback_field(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {**{kind.callback_field: None for kind in WEBHOOK_KINDS}, **data}

    def callback_url(self, kind: WebhookKind) -> str | None:
        """The URL ``kind``'s events go to (its ``callback_field``), or None."""
        return getattr(self, kind.callback_field, None)

    def __repr__(self) -> str:
        # /me echoes the instance token: never print it.
        return f"Me(id={self.id!r}, name={self.name!r}, connected={self.connected!r})"

    __str__ = __repr__


class QrCodeImage(ZapiModel):
    """GET /qr-code/image: a base64 image in ``value`` (spec 002)."""

    value: str | None = None


class PhoneCode(ZapiModel):
    """GET /phone-code/{phone}: the code to type in WhatsApp (spec 002)."""

    code: str | None = None


class SendResult(ZapiModel):
    """Every send-* answers with the queue id and the WhatsApp id (spec 001, "Messages")."""

    zaapId: str | None = None
    messageId: str | None = None
    id: str | None = None


class QueueMessage(ZapiModel):
    """One queued message; the queue's fields are capitalised (spec 001, "Queue > Fila")."""

    id_: str | None = Field(default=None, alias="_id")
    ZaapId: str | None = None
    MessageId: str | None = None
    Phone: str | None = None
    Message: str | None = None
    DelayMessage: int | str | None = None
    DelayTyping: int | str | None = None
    IsTrial: bool | None = None
    InstanceId: str | None = None
    Created: int | None = None


class QueuePage(ZapiModel):
    messages: list[QueueMessage] = []


class QueueCursorPage(ZapiModel):
    """POST /queue: one page and the cursor to the next (None on the last page)."""

    messages: list[QueueMessage] = []
    pagingState: str | None = None


class QueueCount(ZapiModel):
    count: int = 0


class PhoneExists(ZapiModel):
    """GET /phone-exists/{phone}; the example shows ``"exists": "true or false"`` ("Contacts >
    Number with WhatsApp?")."""

    exists: bool = False
    phone: str | None = None
    lid: str | None = None

    @field_validator("exists", mode="before")
    @classmethod
    def _truthy_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower() == "true"
        return value


class PhoneExistsBatchItem(ZapiModel):
    """POST /phone-exists-batch, one per phone (spec 001, "Contacts > Number with WhatsApp?")."""

    exists: bool = False
    inputPhone: str | None = None
    outputPhone: str | None = None


class RegistrationAvailability(ZapiModel):
    """POST /mobile/registration-available (spec 001, "Mobile > Check registration
    availability")."""

    available: bool | None = None
    blocked: bool | None = None
    appealToken: str | None = None
    smsWaitSeconds: int | None = None
    voiceWaitSeconds: int | None = None
    waOldWaitSeconds: int | None = None
    waOldEligible: bool | None = None
    reason: str | None = None


class RegistrationCodeResponse(ZapiModel):
    """POST /mobile/request-registration-code (spec 000)."""

    success: bool | None = None
    captcha: str | None = None
    blocked: bool | None = None
    retryAfter: int | None = None
    smsWaitSeconds: int | None = None
    voiceWaitSeconds: int | None = None
    waOldWaitSeconds: int | None = None
    method: str | None = None


class SuccessResult(ZapiModel):
    success: bool | None = None


class PartnerInstanceCreated(ZapiModel):
    """POST /instances/integrator/on-demand (spec 001, "Partners > Creating an instance")."""

    id: str
    token: str
    due: int | str | None = None

    def __repr__(self) -> str:
        return f"PartnerInstanceCreated(id={self.id!r}, token='***', due={self.due!r})"

    __str__ = __repr__


class PartnerInstance(ZapiModel):
    id: str | None = None
    token: str | None = None
    name: str | None = None
    tenant: str | None = None
    created: Any = None
    due: int | str | None = None
    paymentStatus: str | None = None
    phoneConnected: bool | None = None
    whatsappConnected: bool | None = None
    middleware: str | None = None

    def __repr__(self) -> str:
        return f"PartnerInstance(id={self.id!r}, name={self.name!r}, token='***')"

    __str__ = __repr__


class PartnerInstancePage(ZapiModel):
    """GET /instances (spec 001, "Partners > Listing instances")."""

    total: int = 0
    totalPage: int = 0
    pageSize: int = 0
    page: int = 0
    content: list[PartnerInstance] = []


class RegistrationReason(IntEnum):
    """The ``reason`` of a registerNumber / verifyNumber answer (spec 003). The spec's table
    of reasons is lost in the text we have; these are the codes the sandbox answers, and the
    dashboard says each in words (``partners.numbers.REASON_TEXT``)."""

    OK = 1
    INVALID_NUMBER = 2
    TOO_MANY_REQUESTS = 3  # more than 3 code requests: blocked for 1 hour
    TOO_MANY_NUMBERS = 4  # up to 500 numbers may wait in an account
    WRONG_CODE = 5
    NO_CODE_REQUESTED = 6
    INVALID_FIELDS = 7  # method, language or comment
    ALREADY_REGISTERED = 8


class NumberRegistrationResult(ZapiModel):
    """registerNumber / verifyNumber (spec 003): status "OK" or "FAIL" with a reason."""

    status: str
    whatsapp: str | None = None
    reason: int | str | None = None
    expiration: str | None = None

    @property
    def ok(self) -> bool:
        return self.status.upper() == "OK"
