"""Sends (spec 001, "Messages" and "Status") and the queue ("Queue")."""

from __future__ import annotations

from typing import Any

from sandbox import sending
from sandbox.api import INVALID_REQUEST, Answer, ApiError, Call
from sandbox.handlers import handles
from zapi.bodies import DELAY_FIELDS, SEND_FIELDS, STORY_FIELDS, delay_valid, send_body_needed
from zapi.clients.instance import QUEUE_CURSOR_MAX_PAGE_SIZE


def _delay(data: dict[str, Any], key: str) -> None:
    value = data.get(key)
    if value is not None and not delay_valid(value):
        raise ApiError(400, INVALID_REQUEST, field=key)


@handles(*SEND_FIELDS, *STORY_FIELDS)
def send(call: Call) -> Answer:
    name = call.endpoint.name
    data = dict(call.require(*send_body_needed(name)))
    for key in DELAY_FIELDS:
        _delay(data, key)
    if name == "send_document":
        data["extension"] = call.params["extension"]
    try:
        message = sending.message_enqueue(instance=call.inst, endpoint=name, body=data)
    except sending.QueueFullError as exc:
        raise ApiError(
            400,
            f"You are not connected. The queue already holds {exc.args[0]} messages.",
        ) from None
    ack = {"zaapId": message.zaap_id, "messageId": message.message_id}
    if not name.endswith("_status") or name.startswith("reply_"):
        ack["id"] = message.message_id
    return ack


@handles("queue")
def queue(call: Call) -> Answer:
    page = call.int_query("page", 1)
    page_size = call.int_query("pageSize", 100, high=1000)
    messages = sending.queue_page(instance=call.inst, page=page, page_size=page_size)
    answer: dict[str, Any] = {"messages": messages}
    if "count" in call.query:
        answer["count"] = sending.queued(call.inst).count()
    return answer


@handles("queue_count")
def queue_count(call: Call) -> Answer:
    return {"count": sending.queued(call.inst).count()}


@handles("queue_page")
def queue_cursor(call: Call) -> Answer:
    data = call.data()
    size = data.get("pageSize", sending.CURSOR_PAGE_SIZE)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ApiError(400, INVALID_REQUEST, field="pageSize")
    state = data.get("pagingState")
    if state is not None and not isinstance(state, str):
        raise ApiError(400, INVALID_REQUEST, field="pagingState")
    try:
        messages, cursor = sending.queue_cursor_page(
            instance=call.inst,
            paging_state=state or None,
            page_size=min(size, QUEUE_CURSOR_MAX_PAGE_SIZE),
        )
    except ValueError:
        raise ApiError(400, INVALID_REQUEST, field="pagingState") from None
    return {"messages": messages, "pagingState": cursor}


@handles("queue_delete_all")
def queue_delete_all(call: Call) -> Answer:
    sending.queue_delete(instance=call.inst)
    return {"value": True}


@handles("queue_delete")
def queue_delete(call: Call) -> Answer:
    if not sending.queue_delete(instance=call.inst, zaap_id=call.params["zaapId"]):
        raise ApiError(404, "Message not found in the queue")
    return {"value": True}
