"""The WhatsApp Business tabs of an instance page (labels, catalog, company profile, copy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from instances.business.views import labels

# (route under /<pk>/, view, url name suffix), joined to ``instances.views.ROUTES``.
ROUTES: list[tuple[str, Callable[..., Any], str]] = [
    ("labels/", labels.page, "labels"),
    ("labels/sync/", labels.sync, "labels_sync"),
    ("labels/create/", labels.create, "labels_create"),
    ("labels/edit/", labels.edit, "labels_edit"),
    ("labels/delete/", labels.delete, "labels_delete"),
    ("labels/chat/", labels.chat, "labels_chat"),
    ("labels/bulk/", labels.bulk, "labels_bulk"),
]
