"""From what a person composes to the ``send-*`` request that carries it.

One function per kind turns plain fields into the endpoint name (a ``zapi.ENDPOINTS`` row),
its path parameters and the JSON body: ``zapi.bodies.send_body`` picks the fields that send
takes, in the spec's spelling, from the composer's (``link_url`` → ``linkUrl``); a builder
only adds what is built from other fields (a list's options, a poll's answers). The
dispatcher sends exactly that, later, through the pacer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from messaging.models import MessageKind
from zapi.bodies import TYPING_SENDS, delay_valid, send_body, send_body_missing


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
    return SendRequest("send_text", send_body("send_text", f), f["message"])


def _media(kind: str) -> Callable[[dict[str, Any]], SendRequest]:
    # Every media send's field is named after it (``image``, ``audio``...): one "url" here.
    def build(f: dict[str, Any]) -> SendRequest:
        _need(f, "url")
        body = send_body(f"send_{kind}", {**f, kind: f["url"]})
        return SendRequest(f"send_{kind}", body, body.get("caption") or "")

    return build


def _document(f: dict[str, Any]) -> SendRequest:
    _need(f, "url")
    name = str(f.get("file_name") or f["url"].rsplit("/", 1)[-1].split("?", 1)[0])
    extension = str(f.get("extension") or (name.rsplit(".", 1)[-1] if "." in name else ""))
    extension = extension.lower().lstrip(".")
    if not extension.isalnum():
        raise ValidationError(_("Give the document's extension (pdf, docx...)."))
    body = send_body("send_document", {**f, "document": f["url"], "file_name": name})
    # The extension goes in the path: /send-document/{extension} (spec 001, "Messages > Send
    # documents").
    return SendRequest("send_document", body, f.get("caption") or name, {"extension": extension})


def _link(f: dict[str, Any]) -> SendRequest:
    _need(f, "message", "link_url", "title")
    message = f["message"]
    # "Don't forget to include the same linkURL value at the end of this text" ("Messages > Send
    # link").
    if not message.rstrip().endswith(f["link_url"]):
        message = f"{message.rstrip()} {f['link_url']}"
    return SendRequest("send_link", send_body("send_link", {**f, "message": message}), message)


def _location(f: dict[str, Any]) -> SendRequest:
    _need(f, "latitude", "longitude")
    at = {"latitude": str(f["latitude"]), "longitude": str(f["longitude"])}
    body = send_body("send_location", {**f, **at})
    return SendRequest("send_location", body, body["title"] or body["address"])


def _contact(f: dict[str, Any]) -> SendRequest:
    _need(f, "contact_name", "contact_phone")
    return SendRequest("send_contact", send_body("send_contact", f), f["contact_name"])


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
    body = send_body("send_option_list", {**f, "option_list": option_list})
    return SendRequest("send_option_list", body, f["message"])


def _buttons(f: dict[str, Any]) -> SendRequest:
    # "The message attribute cannot be sent empty!" (spec 001, "Messages > Send text with buttons").
    _need(f, "message")
    labels = _lines(f.get("choices"))
    if not labels:
        raise ValidationError(_("Give at least one button, one per line."))
    buttons = [{"id": str(i), "label": label} for i, label in enumerate(labels, 1)]
    body = send_body("send_button_list", {**f, "button_list": {"buttons": buttons}})
    return SendRequest("send_button_list", body, f["message"])


def _poll(f: dict[str, Any]) -> SendRequest:
    _need(f, "message")
    answers = _lines(f.get("choices"))
    if len(answers) < 2:
        raise ValidationError(_("A poll needs at least two answers, one per line."))
    most = int(f["poll_max_options"]) if f.get("poll_max_options") else None
    body = send_body(
        "send_poll", {**f, "poll": [{"name": a} for a in answers], "poll_max_options": most}
    )
    return SendRequest("send_poll", body, f["message"])


def _product(f: dict[str, Any]) -> SendRequest:
    # catalogPhone: the business number the product belongs to (spec 001, "Messages > Send
    # product").
    _need(f, "catalog_phone", "product_id")
    body = send_body("send_product", f)
    return SendRequest("send_product", body, f.get("product_name") or f["product_id"])


def _catalog(f: dict[str, Any]) -> SendRequest:
    _need(f, "catalog_phone")
    body = send_body("send_catalog", f)
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
# Sends that work only from a WhatsApp Business number with a catalog (spec 001, "Messages > Send
# product").
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
