"""Labels (Z-API "tags", spec 001, "WhatsApp Business"): sync our copy from Z-API, create, rename,
recolour, delete, and put a label on a chat or take it off.

Every function answers an :class:`~instances.outcome.Outcome`: the boundary (a page, a task)
shows its sentence; nothing here raises for an upstream error.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from instances.business.models import BusinessAccount, ChatLabel, Label
from instances.models import Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client
from messaging.phones import chat_id_normalize

# GET /chats pages read per sync (spec 001, "Chats > Get chats": page, pageSize); 100 x 50 = 5,000
# chats.
CHAT_PAGE_SIZE = 100
CHAT_PAGES_MAX = 50


def business_account(instance: Instance) -> BusinessAccount:
    account, _created = BusinessAccount.objects.get_or_create(instance=instance)
    return account


def _color(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _chat_label_ids(instance: Instance, client: Any) -> tuple[dict[str, set[str]], str]:
    """Chat id -> Z-API label ids, from ``/chats`` (their ``tags``) and, for chats we hold
    labels on that ``/chats`` lists without them, ``/chats/{phone}``. Returns the map and
    the error sentence of a read that failed (then the map is partial and not applied)."""
    seen: dict[str, set[str]] = {}
    unknown: set[str] = set()
    for page in range(1, CHAT_PAGES_MAX + 1):
        outcome = zapi_outcome(
            _("Chats"), partial(client.chats, page=page, page_size=CHAT_PAGE_SIZE)
        )
        if not outcome.ok:
            return seen, outcome.text
        # An answer of another shape (not a list of chats) reads as no chats, never a 500.
        rows = outcome.value if isinstance(outcome.value, list) else []
        for row in (r for r in rows if isinstance(r, dict)):
            try:
                chat_id = chat_id_normalize(str(row.get("phone") or ""))
            except ValidationError:
                continue  # no chat id we could store or link to
            if not chat_id:
                continue
            if isinstance(row.get("tags"), list):
                seen[chat_id] = {str(t) for t in row["tags"]}
            else:
                unknown.add(chat_id)
        if len(rows) < CHAT_PAGE_SIZE:
            break
    held = set(ChatLabel.objects.filter(label__instance=instance).values_list("chat_id", flat=True))
    for chat_id in sorted(held & unknown):
        outcome = zapi_outcome(_("Chat"), partial(client.chat_metadata, chat_id))
        if not outcome.ok:
            return seen, outcome.text
        answer = outcome.value if isinstance(outcome.value, dict) else {}
        tags = answer.get("tags")
        if isinstance(tags, list):
            seen[chat_id] = {str(t) for t in tags}
    return seen, ""


def labels_sync(*, instance: Instance) -> Outcome[int]:
    """Read the labels, their colours and the chats' labels from Z-API into our copy.

    Z-API is the truth: labels it no longer has are deleted here, and a chat's labels are
    replaced by what Z-API lists for it. Returns how many labels the instance has."""
    action = _("Sync labels")
    client = instance_client(instance)
    colors = zapi_outcome(_("Label colours"), client.tag_colors)
    tags = zapi_outcome(_("Labels"), client.tags)
    if not tags.ok:
        return tags.failed_as(action)
    chats, chat_error = _chat_label_ids(instance, client)
    now = timezone.now()
    rows = [t for t in (tags.value or []) if isinstance(t, dict) and t.get("id") is not None]
    with transaction.atomic():
        account = business_account(instance)
        if colors.ok and colors.value:
            account.label_colors = colors.value
        account.labels_read_at = now
        account.save(update_fields=["label_colors", "labels_read_at", "updated_at"])
        by_id: dict[str, Label] = {}
        for row in rows:
            label, _created = Label.objects.update_or_create(
                instance=instance,
                label_id=str(row["id"]),
                defaults={
                    "name": str(row.get("name") or "")[:100],
                    "color": _color(row.get("color")),
                    "read_at": now,
                },
            )
            by_id[label.label_id] = label
        Label.objects.filter(instance=instance).exclude(label_id__in=list(by_id)).delete()
        if not chat_error:
            ChatLabel.objects.filter(label__instance=instance, chat_id__in=list(chats)).delete()
            ChatLabel.objects.bulk_create(
                [
                    ChatLabel(label=by_id[tag], chat_id=chat_id, read_at=now)
                    for chat_id, label_ids in chats.items()
                    for tag in label_ids
                    if tag in by_id
                ]
            )
    text = ngettext("%(n)d label read from Z-API.", "%(n)d labels read from Z-API.", len(by_id)) % {
        "n": len(by_id)
    }
    if chat_error:
        text = _("%(text)s The chats' labels were not read: %(error)s") % {
            "text": text,
            "error": chat_error,
        }
    return Outcome(ok=not chat_error, action=action, text=text, value=len(by_id))


def label_create(*, instance: Instance, name: str, color: int | None) -> Outcome[Label]:
    action = _("Create label “%(name)s”") % {"name": name}
    outcome = zapi_outcome(action, lambda: instance_client(instance).tag_create(name, color))
    label_id = (outcome.value or {}).get("id") if outcome.ok else None
    if label_id is None:
        return outcome.failed_as(action)
    label, _created = Label.objects.update_or_create(
        instance=instance,
        label_id=str(label_id),
        defaults={"name": name, "color": color, "read_at": timezone.now()},
    )
    return Outcome(ok=True, action=action, text=_("Created."), value=label)


def label_edit(*, label: Label, name: str, color: int | None) -> Outcome[Label]:
    """Rename and/or recolour (``business/edit-tag``: the name is always sent)."""
    action = _("Edit label “%(name)s”") % {"name": label.name}
    client = instance_client(label.instance)
    outcome = zapi_outcome(action, lambda: client.tag_edit(label.label_id, name, color))
    if not outcome.ok:
        return outcome.failed_as(action)
    label.name, label.read_at = name, timezone.now()
    if color is not None:
        label.color = color
    label.save(update_fields=["name", "color", "read_at"])
    return Outcome(ok=True, action=action, text=_("Saved."), value=label)


def label_delete(*, label: Label) -> Outcome[None]:
    action = _("Delete label “%(name)s”") % {"name": label.name}
    client = instance_client(label.instance)
    outcome = zapi_outcome(action, lambda: client.tag_delete(label.label_id))
    if not outcome.ok:
        return outcome.failed_as(action)
    label.delete()
    return Outcome(ok=True, action=action, text=_("Deleted."))


def chat_label_set(*, label: Label, chat_id: str, on: bool) -> Outcome[None]:
    """Put ``label`` on the chat (``on``) or take it off, at Z-API then in our copy."""
    chat_id = chat_id_normalize(chat_id)
    verb = _("Label %(chat)s “%(name)s”") if on else _("Unlabel %(chat)s “%(name)s”")
    action = verb % {"chat": chat_id, "name": label.name}
    client = instance_client(label.instance)
    call = client.chat_tag_add if on else client.chat_tag_remove
    outcome = zapi_outcome(action, lambda: call(chat_id, label.label_id))
    if not outcome.ok:
        return outcome.failed_as(action)
    if on:
        ChatLabel.objects.update_or_create(
            label=label, chat_id=chat_id, defaults={"read_at": timezone.now()}
        )
    else:
        ChatLabel.objects.filter(label=label, chat_id=chat_id).delete()
    return Outcome(ok=True, action=action, text=_("Done."))


def chat_labels_apply(*, label: Label, chat_ids: Iterable[str], on: bool) -> list[Outcome[None]]:
    """The bulk form of :func:`chat_label_set` (the contact list's bulk action calls it)."""
    return [chat_label_set(label=label, chat_id=c, on=on) for c in dict.fromkeys(chat_ids)]
