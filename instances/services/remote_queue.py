"""Z-API's own queue of an instance (spec 001, "Queue"): list, count, delete.

Two ways to page: ``GET /queue?page&pageSize`` (the documented one) and ``POST /queue`` with
an opaque ``pagingState`` cursor (Z-API's newer API; see zapi.endpoints). While the phone is
connected the queue drains from the front, so page 2 fetched after page 1 skips messages;
the cursor stays correct while the queue moves. At most 1000 messages wait ("Queue > Recomendação").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from instances.models import Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client
from zapi.clients.instance import QUEUE_CURSOR_MAX_PAGE_SIZE
from zapi.models import QueueMessage


@dataclass(frozen=True)
class QueueView:
    messages: list[QueueMessage]
    page: int
    page_size: int
    has_more: bool
    next_cursor: str = ""


def zapi_queue_page(*, instance: Instance, page: int, page_size: int) -> Outcome[QueueView]:
    page, page_size = max(page, 1), min(max(page_size, 1), 100)
    outcome = zapi_outcome(
        _("Queue"), lambda: instance_client(instance).queue(page=page, page_size=page_size)
    )
    if not outcome.ok or outcome.value is None:
        return Outcome(ok=False, action=outcome.action, text=outcome.text)
    messages = outcome.value.messages
    view = QueueView(messages, page, page_size, len(messages) == page_size)
    return Outcome(ok=True, action=outcome.action, text="", value=view)


def zapi_queue_after(*, instance: Instance, cursor: str, page_size: int) -> Outcome[QueueView]:
    """The page after ``cursor`` (Z-API's ``pagingState``; empty for the first page)."""
    page_size = min(max(page_size, 1), QUEUE_CURSOR_MAX_PAGE_SIZE)
    outcome = zapi_outcome(
        _("Queue"),
        lambda: instance_client(instance).queue_page(
            paging_state=cursor or None, page_size=page_size
        ),
    )
    if not outcome.ok or outcome.value is None:
        return Outcome(ok=False, action=outcome.action, text=outcome.text)
    next_cursor = outcome.value.pagingState or ""
    view = QueueView(outcome.value.messages, 0, page_size, bool(next_cursor), next_cursor)
    return Outcome(ok=True, action=outcome.action, text="", value=view)


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
