"""QR codes of the pairing flow. The content is a function of the instance and the 20 s
window (spec 002: WhatsApp invalidates the code every 20 seconds), so nothing is stored and
every process agrees on the current code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import time

import segno
from django.conf import settings

from sandbox.models import SandboxInstance


def qr_window(instance: SandboxInstance, at: float | None = None) -> int:
    ttl = max(instance.timing("qr_ttl"), 0.1)
    return int((time.time() if at is None else at) // ttl)


def qr_content(instance: SandboxInstance, at: float | None = None) -> str:
    """Looks like WhatsApp's ``2@...`` pairing payload; changes every ``qr_ttl`` seconds."""
    window = qr_window(instance, at)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{instance.zapi_id}:{window}".encode(), hashlib.sha256
    ).digest()
    return "2@" + base64.b64encode(digest).decode() + f",sandbox,{instance.zapi_id}"


def qr_png_base64(content: str, *, scale: int = 6) -> str:
    """A real QR code as a PNG data URI (what /qr-code/image answers)."""
    buffer = io.BytesIO()
    segno.make(content, error="m").save(buffer, kind="png", scale=scale, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def qr_svg(content: str, *, scale: int = 4) -> str:
    """Inline SVG for the console page."""
    return str(segno.make(content, error="m").svg_inline(scale=scale, border=2))


def phone_code(instance: SandboxInstance, phone: str) -> str:
    """The 8-character pairing code WhatsApp shows for ``phone`` (spec 002), e.g. "ABCD-1234"."""
    digest = (
        hmac.new(
            settings.SECRET_KEY.encode(),
            f"{instance.zapi_id}:{phone}:{qr_window(instance)}".encode(),
            hashlib.sha256,
        )
        .hexdigest()
        .upper()
    )
    return f"{digest[:4]}-{digest[4:8]}"
