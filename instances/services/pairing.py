"""Pairing a phone: the QR code (spec 002; spec 001, "Instance"), the phone code, and the
check of Z-API's queue before a reconnect (spec 001, "Queue > Fila": the queue is sent on
connect)."""

from __future__ import annotations

import base64
import binascii
import io
import json
from dataclasses import dataclass

import segno
from django.utils.translation import gettext as _

from instances.models import ConnectionState, Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client
from zapi.models import PhoneCode


@dataclass(frozen=True)
class QrPicture:
    """What to draw: an SVG we made from the QR payload, or Z-API's own image."""

    svg: str = ""
    image_data_url: str = ""
    already_connected: bool = False
    # What the QR code encodes, when Z-API sent the payload rather than an image.
    payload: str = ""

    def png(self) -> bytes:
        """The QR code as a PNG (the API's ``qr-code``), drawn here or Z-API's own."""
        if self.payload:
            buffer = io.BytesIO()
            segno.make(self.payload, error="m").save(buffer, kind="png", scale=5, border=2)
            return buffer.getvalue()
        if self.image_data_url.startswith("data:image/png;base64,"):
            return base64.b64decode(self.image_data_url.split(",", 1)[1])
        return b""


def instance_pairable(*, instance: Instance) -> bool:
    """A connected instance is not offered a QR code: Z-API refuses to pair it again
    (spec 002 "if it is already connected it will not allow you to connect again")."""
    return instance.connection_state != ConnectionState.CONNECTED


def qr_svg(payload: str) -> str:
    """The QR code drawn here, as inline SVG (no image from elsewhere, works offline)."""
    return str(segno.make(payload, error="m").svg_inline(scale=5, border=2, dark="#111"))


def _picture_from_bytes(content: bytes) -> QrPicture:
    """``/qr-code`` "returns the bytes of the QR code" (spec 002) without saying how: read a
    JSON ``{"value": ...}``, a data URL / base64 image, or the bare payload text."""
    text = content.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        if data.get("connected") is True:
            return QrPicture(already_connected=True)
        text = str(data.get("value") or "")
    if text.startswith("data:image/"):
        return QrPicture(image_data_url=text)
    if text.startswith("iVBOR"):  # base64 of a PNG signature
        try:
            base64.b64decode(text[:64] + "==", validate=False)
            return QrPicture(image_data_url=f"data:image/png;base64,{text}")
        except binascii.Error:
            pass
    return QrPicture(svg=qr_svg(text), payload=text) if text else QrPicture()


def pairing_qr(*, instance: Instance) -> Outcome[QrPicture]:
    outcome = zapi_outcome(_("QR code"), lambda: instance_client(instance).qr_code())
    if not outcome.ok or outcome.value is None:
        return Outcome(ok=False, action=outcome.action, text=outcome.text, answer=outcome.answer)
    picture = _picture_from_bytes(outcome.value)
    if not (picture.svg or picture.image_data_url or picture.already_connected):
        return Outcome(ok=False, action=outcome.action, text=_("Z-API sent an empty QR code."))
    return Outcome(ok=True, action=outcome.action, text="", value=picture)


def pairing_phone_code(*, instance: Instance, phone: str) -> Outcome[PhoneCode]:
    """The code to type in WhatsApp under "Link with phone number" (spec 002)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 10:
        return Outcome(
            ok=False,
            action=_("Phone code"),
            text=_("Type the full number with country and area code, digits only."),
        )
    outcome = zapi_outcome(_("Phone code"), lambda: instance_client(instance).phone_code(digits))
    if outcome.ok and not (outcome.value and outcome.value.code):
        return Outcome(ok=False, action=outcome.action, text=_("Z-API sent no code."))
    return outcome
