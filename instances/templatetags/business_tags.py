"""Template helpers of the WhatsApp Business tabs: colour swatches, product pictures without
mixed content, and the labels box of the conversation page."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from instances.business.models import Label
from instances.business.selectors import business_account_of, business_status, labels_of_chat
from partners.roles import Capability
from partners.scoping import user_can

register = template.Library()

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@register.simple_tag
def swatch(hex_code: str, size: int = 16, title: str = "") -> SafeString:
    """An inline SVG square of a label's colour (a presentation attribute, not inline CSS,
    so a strict Content-Security-Policy still draws it). Unknown colours are grey."""
    fill = hex_code if isinstance(hex_code, str) and _HEX.match(hex_code) else "#d0d0d0"
    return format_html(
        '<svg class="swatch" width="{s}" height="{s}" viewBox="0 0 16 16" role="img" '
        'aria-label="{t}"><title>{t}</title><rect width="16" height="16" rx="3" fill="{f}"/></svg>',
        s=int(size),
        f=fill,
        t=title or fill,
    )


@register.filter
def picture_url(url: Any, request: Any) -> str:
    """A picture URL safe to embed on this page: https always; http only on an http page
    (an http image on an https page is mixed content and browsers block it). Else ""."""
    url = str(url or "")
    if url.startswith("https://"):
        return url
    if url.startswith("http://") and request is not None and not request.is_secure():
        return url
    return ""


@register.inclusion_tag("instances/business/_chat_labels.html", takes_context=True)
def chat_labels(context: dict[str, Any], instance: Any, chat_id: str) -> dict[str, Any]:
    """The labels of one chat with add/remove buttons (conversation page)."""
    request = context.get("request")
    status = business_status(instance)
    on = labels_of_chat(instance=instance, chat_id=chat_id) if status.enabled else []
    others = (
        list(Label.objects.filter(instance=instance).exclude(pk__in=[lb.pk for lb in on]))
        if status.enabled
        else []
    )
    palette = business_account_of(instance).label_colors if status.enabled else {}
    user = getattr(request, "user", None)
    return {
        "request": request,
        "instance": instance,
        "chat_id": chat_id,
        "status": status,
        "on": [(lb, palette.get(str(lb.color), "")) for lb in on],
        "others": others,
        "can_operate": user is not None and user_can(user, Capability.OPERATE, instance.partner),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("instances/business/_contact_labels.html", takes_context=True)
def contact_labels(context: dict[str, Any], contact: Any, on: list[Any]) -> dict[str, Any]:
    """The labels on a contact's chats (``on``: its ChatLabels on any number of the partner),
    with remove buttons, and the labels to add grouped by number (contact page)."""
    from instances.business.views.contacts import labels_to_offer

    request = context.get("request")
    user = getattr(request, "user", None)
    groups = labels_to_offer(user, contact.partner_id) if user is not None else []
    offered = {label.pk for _number, labels in groups for label in labels}
    for chat_label in on:
        # Only a label on the chat the form labels (the contact's chat id) can be removed here.
        chat_label.removable = (
            chat_label.label_id in offered and chat_label.chat_id == contact.chat_id
        )
    return {
        "request": request, "contact": contact, "on": on, "groups": groups,
        "csrf_token": context.get("csrf_token"),
    }  # fmt: skip
