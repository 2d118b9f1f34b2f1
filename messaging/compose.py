"""From what a person composes to the ``send-*`` request that carries it.

One function per kind turns plain fields into the endpoint name (a ``zapi.ENDPOINTS`` row),
its path parameters and the JSON body with the spec's spelling. The dispatcher sends exactly
that, later, through the pacer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from messaging.models import MessageKind
from zapi.bodies import TYPING_SENDS, delay_valid, send_body_missing


@dataclass(frozen=True)
class SendRequest:
    endpoint: str
    body: dict[str, Any]
    text: str
    path: dict[str, str] = field(default_factory=dict)


def _need(fields: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if not str(fields.get(n) or "").strip()]
    if missing:
        raise ValidationError(
            _("Missing: %(fields)s."), params={"fields": ", ".join(missing)}, code="required"
        )


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _text(f: dict[str, Any]) -> SendRequest:
    _need(f, "message")
    return SendRequest("send_text", {"message": f["message"]}, f["message"])


def _media(kind: str) -> Callable[[dict[str, Any]], SendRequest]:
    def build(f: dict[str, Any]) -> SendRequest:
        _need(f, "url")
        body: dict[str, Any] = {kind: f["url"]}
        if f.get("caption") and kind in ("image", "video"):
            body["caption"] = f["caption"]
        return SendRequest(f"send_{kind}", body, f.get("caption") or "")

    return build


def _document(f: dict[str, Any]) -> SendRequest:
    _need(f, "url")
    name = str(f.get("file_name") or f["url"].rsplit("/", 1)[-1].split("?", 1)[0])
    extension = str(f.get("extension") or (name.rsplit(".", 1)[-1] if "." in name else ""))
    extension = extension.lower().lstrip(".")
    if not extension.isalnum():
        raise ValidationError(_("Give the document's extension (pdf, docx...)."))
    body = {"document": f["url"], "fileName": name}
    if f.get("caption"):
        body["caption"] = f["caption"]
    # The extension goes in the path: /send-document/{extension} (spec 001 l.2602).
    return SendRequest("send_document", body, f.get("caption") or name, {"extension": extension})


def _link(f: dict[str, Any]) -> SendRequest:
    _need(f, "message", "link_url", "title")
    message = f["message"]
    # "Don't forget to include the same linkURL value at the end of this text" (l.2706).
    if not message.rstrip().endswith(f["link_url"]):
        message = f"{message.rstrip()} {f['link_url']}"
    body = {
        "message": message,
        "image": f.get("image") or "",
        "linkUrl": f["link_url"],
        "title": f["title"],
        "linkDescription": f.get("link_description") or "",
    }
    return SendRequest("send_link", body, message)


def _location(f: dict[str, Any]) -> SendRequest:
    _need(f, "latitude", "longitude")
    body = {
        "title": f.get("title") or "",
        "address": f.get("address") or "",
        "latitude": str(f["latitude"]),
        "longitude": str(f["longitude"]),
    }
    return SendRequest("send_location", body, body["title"] or body["address"])


def _contact(f: dict[str, Any]) -> SendRequest:
    _need(f, "contact_name", "contact_phone")
    body = {"contactName": f["contact_name"], "contactPhone": f["contact_phone"]}
    return SendRequest("send_contact", body, f["contact_name"])


def _options(f: dict[str, Any]) -> SendRequest:
    _need(f, "message")
    options = _lines(f.get("choices"))
    if not options:
        raise ValidationError(_("Give at least one option, one per line."))
    option_list = {
        "title": f.get("title") or "",
        "buttonLabel": f.get("button_label") or _("Options"),
        "options": [
            {"id": str(i), "title": o, "description": ""} for i, o in enumerate(options, 1)
        ],
    }
    return SendRequest("send_option_list", {"message": f["message"], "optionList": option_list},
                       f["message"])  # fmt: skip


def _buttons(f: dict[str, Any]) -> SendRequest:
    # "The message attribute cannot be sent empty!" (spec 001 l.3267).
    _need(f, "message")
    labels = _lines(f.get("choices"))
    if not labels:
        raise ValidationError(_("Give at least one button, one per line."))
    buttons = [{"id": str(i), "label": label} for i, label in enumerate(labels, 1)]
    body = {"message": f["message"], "buttonList": {"buttons": buttons}}
    return SendRequest("send_button_list", body, f["message"])


def _poll(f: dict[str, Any]) -> SendRequest:
    _need(f, "message")
    answers = _lines(f.get("choices"))
    if len(answers) < 2:
        raise ValidationError(_("A poll needs at least two answers, one per line."))
    body: dict[str, Any] = {"message": f["message"], "poll": [{"name": a} for a in answers]}
    if f.get("poll_max_options"):
        body["pollMaxOptions"] = int(f["poll_max_options"])
    return SendRequest("send_poll", body, f["message"])


def _product(f: dict[str, Any]) -> SendRequest:
    # catalogPhone: the business number the product belongs to (spec 001 l.2855).
    _need(f, "catalog_phone", "product_id")
    body = {"catalogPhone": f["catalog_phone"], "productId": f["product_id"]}
    return SendRequest("send_product", body, f.get("product_name") or f["product_id"])


def _catalog(f: dict[str, Any]) -> SendRequest:
    _need(f, "catalog_phone")
    body: dict[str, Any] = {"catalogPhone": f["catalog_phone"]}
    # Optional card texts (l.2920-2925).
    for key, name in (("message", "message"), ("title", "title"),
                      ("catalog_description", "catalogDescription")):  # fmt: skip
        if f.get(key):
            body[name] = f[key]
    return SendRequest("send_catalog", body, f.get("message") or f.get("title") or _("Catalog"))


BUILDERS: dict[str, Callable[[dict[str, Any]], SendRequest]] = {
    MessageKind.TEXT: _text,
    MessageKind.IMAGE: _media("image"),
    MessageKind.AUDIO: _media("audio"),
    MessageKind.VIDEO: _media("video"),
    MessageKind.STICKER: _media("sticker"),
    MessageKind.GIF: _media("gif"),
    MessageKind.PTV: _media("ptv"),
    MessageKind.DOCUMENT: _document,
    MessageKind.LINK: _link,
    MessageKind.LOCATION: _location,
    MessageKind.CONTACT: _contact,
    MessageKind.OPTION_LIST: _options,
    MessageKind.BUTTONS: _buttons,
    MessageKind.POLL: _poll,
    MessageKind.PRODUCT: _product,
    MessageKind.CATALOG: _catalog,
}
# Sends that work only from a WhatsApp Business number with a catalog (spec 001 l.2847).
BUSINESS_KINDS = frozenset({MessageKind.PRODUCT, MessageKind.CATALOG})

COMPOSABLE_KINDS: tuple[str, ...] = tuple(BUILDERS)


def send_request_build(
    *,
    kind: str,
    chat_id: str,
    fields: dict[str, Any],
    delay_typing: int | None = None,
    delay_message: int | None = None,
) -> SendRequest:
    """The ``send-*`` request for a composed message; ``ValidationError`` when incomplete."""
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValidationError(_("This kind of message cannot be composed.")) from None
    request = builder(fields)
    body = {"phone": chat_id, **request.body}
    for key, value in (("delayTyping", delay_typing), ("delayMessage", delay_message)):
        if value is None:
            continue
        if not delay_valid(value):
            raise ValidationError(
                _("%(key)s must be 1 to 15 seconds."), params={"key": key}, code="delay"
            )
        if key == "delayTyping" and request.endpoint not in TYPING_SENDS:
            continue
        body[key] = value
    # The body the spec asks for (zapi.bodies), whatever the builder did.
    missing = send_body_missing(request.endpoint, body)
    if missing:
        raise ValidationError(
            _("Missing: %(fields)s."), params={"fields": ", ".join(missing)}, code="required"
        )
    return SendRequest(request.endpoint, body, request.text, request.path)
