"""Z-API's own queue of an instance (spec 001 l.9332-9532): list, count, delete.

Z-API pages by ``page``/``pageSize`` only. While the phone is connected the queue drains
from the front, so page 2 fetched after page 1 skips messages; the cursor view
(:func:`zapi_queue_after`) reads from the start and returns what comes after the last
message seen, which stays correct while the queue moves (at most 1000 messages, l.9347).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client
from zapi.models import QueueMessage

MAX_QUEUE = 1000  # Z-API rejects new messages past 1000 for a disconnected phone (l.9347)
SCAN_PAGE_SIZE = 100


@dataclass(frozen=True)
class QueueView:
    messages: list[QueueMessage]
    page: int
    page_size: int
    has_more: bool
    next_cursor: str = ""


def message_key(message: QueueMessage) -> tuple[int, str]:
    return (message.Created or 0, message.ZaapId or message.id_ or "")


def cursor_of(message: QueueMessage) -> str:
    created, zaap_id = message_key(message)
    return f"{created}:{zaap_id}"


def parse_cursor(cursor: str) -> tuple[int, str] | None:
    created, _sep, zaap_id = cursor.partition(":")
    return (int(created), zaap_id) if created.isdigit() else None


def zapi_queue_page(*, instance: Instance, page: int, page_size: int) -> Outcome[QueueView]:
    page, page_size = max(page, 1), min(max(page_size, 1), 100)
    outcome = zapi_outcome(
        _("Queue"), lambda: instance_client(instance).queue(page=page, page_size=page_size)
    )
    if not outcome.ok or outcome.value is None:
        return Outcome(ok=False, action=outcome.action, text=outcome.text)
    messages = outcome.value.messages
    last = cursor_of(messages[-1]) if messages else ""
    view = QueueView(messages, page, page_size, len(messages) == page_size, last)
    return Outcome(ok=True, action=outcome.action, text="", value=view)


def zapi_queue_after(*, instance: Instance, cursor: str, page_size: int) -> Outcome[QueueView]:
    """The ``page_size`` messages after ``cursor`` (``"<Created>:<ZaapId>"``)."""
    page_size = min(max(page_size, 1), 100)
    return zapi_outcome(
        _("Queue"), lambda: _scan_after(instance, parse_cursor(cursor), cursor, page_size)
    )


def _scan_after(
    instance: Instance, after: tuple[int, str] | None, cursor: str, page_size: int
) -> QueueView:
    client = instance_client(instance)
    found: list[QueueMessage] = []
    for page in range(1, MAX_QUEUE // SCAN_PAGE_SIZE + 1):
        batch = client.queue(page=page, page_size=SCAN_PAGE_SIZE).messages
        found.extend(m for m in batch if after is None or message_key(m) > after)
        if len(found) > page_size or len(batch) < SCAN_PAGE_SIZE:
            break
    found.sort(key=message_key)
    shown = found[:page_size]
    next_cursor = cursor_of(shown[-1]) if shown else cursor
    return QueueView(shown, 0, page_size, len(found) > page_size, next_cursor)


def zapi_queue_count(*, instance: Instance) -> Outcome[int]:
    outcome = zapi_outcome(_("Queue size"), lambda: instance_client(instance).queue_count())
    if not outcome.ok or outcome.value is None:
        return Outcome(ok=False, action=outcome.action, text=outcome.text)
    count = outcome.value.count
    Instance.objects.filter(pk=instance.pk).update(zapi_queue_size=count)
    instance.zapi_queue_size = count
    return Outcome(ok=True, action=outcome.action, text=str(count), value=count)


def zapi_queue_delete(*, instance: Instance, zaap_id: str) -> Outcome[None]:
    outcome: Outcome[None] = zapi_outcome(
        _("Delete queued message"),
        lambda: instance_client(instance).queue_delete(zaap_id),
        ok_text=_("Message %(id)s deleted from Z-API's queue.") % {"id": zaap_id},
    )
    if outcome.ok:
        zapi_queue_count(instance=instance)
    return outcome


def zapi_queue_clear(*, instance: Instance) -> Outcome[None]:
    outcome: Outcome[None] = zapi_outcome(
        _("Delete the whole queue"),
        lambda: instance_client(instance).queue_delete_all(),
        ok_text=_("Z-API's queue is now empty."),
    )
    if outcome.ok:
        Instance.objects.filter(pk=instance.pk).update(zapi_queue_size=0, updated_at=timezone.now())
        instance.zapi_queue_size = 0
    return outcome
