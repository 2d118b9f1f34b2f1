"""Links of the messaging pages that never break on a stored value."""

from __future__ import annotations

from django import template
from django.urls import reverse

from messaging.phones import chat_id_valid

register = template.Library()


@register.simple_tag
def conversation_url(instance_id: int, chat_id: str) -> str:
    """The conversation's URL, or "" for a chat id no URL can hold (a row stored before
    chat ids were checked): the page shows the id without a link."""
    if not chat_id_valid(chat_id):
        return ""
    return reverse("admin:messaging_conversation", args=[instance_id, chat_id])
