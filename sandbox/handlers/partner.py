"""The integrator API (spec 001, "Partners"): on-demand instances with a 2-day trial,
subscription, cancellation (active 30 more days) and the paged list. Bearer token."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sandbox.api import INVALID_REQUEST, Answer, ApiError, Call
from sandbox.handlers import handles
from sandbox.handlers.instance import me_data, text_ok
from sandbox.models import SandboxInstance
from sandbox.services import sandbox_instance_create
from sandbox.webhooks import webhook_url_error
from zapi.events import WEBHOOK_KINDS

TRIAL = timedelta(days=2)  # "Partners > Creating an instance"
# "Partners > Canceling an instance": a cancelled instance stays active 30 days.
GRACE = timedelta(days=30)

_SETTING_OPTIONS = ("sessionName", "callRejectAuto", "callRejectMessage", "autoReadMessage")


@handles("partner_create_instance")
def create(call: Call) -> Answer:
    data = call.require("name")
    if not isinstance(data["name"], str):
        raise ApiError(400, INVALID_REQUEST, field="name")
    hooks: dict[str, str] = {}
    # Each kind's URL is a body option named as in /me ("Partners > Creating an instance").
    for kind in WEBHOOK_KINDS:
        url = str(data.get(kind.callback_field) or "")
        error = webhook_url_error(url)
        if error:
            raise ApiError(400, error, field=kind.callback_field)
        if url:
            hooks[kind.name] = url
    instance = sandbox_instance_create(
        name=data["name"][:120],
        account=call.account,
        middleware="mobile" if data.get("isDevice") else "web",
        payment_status="TRIAL",
        due_days=0,
        webhooks=hooks,
        settings={k: data[k] for k in _SETTING_OPTIONS if k in data},
    )
    instance.due = instance.created_at + TRIAL
    instance.is_business = bool(data.get("businessDevice", True))
    instance.save(update_fields=["due", "is_business"])
    return {
        "id": instance.zapi_id,
        "token": instance.token,
        "due": int(instance.due.timestamp() * 1000),
    }


@handles("partner_subscribe")
def subscribe(call: Call) -> Answer:
    instance = call.inst
    instance.payment_status = "PAID"
    instance.due = max(instance.due or timezone.now(), timezone.now()) + GRACE
    instance.save(update_fields=["payment_status", "due"])
    return text_ok()


@handles("partner_cancel")
def cancel(call: Call) -> Answer:
    instance = call.inst
    if instance.payment_status != "CANCELED":
        instance.payment_status = "CANCELED"
        instance.due = timezone.now() + GRACE
        instance.save(update_fields=["payment_status", "due"])
    return text_ok()


def _row(instance: SandboxInstance) -> dict[str, Any]:
    me = me_data(instance)
    return {
        **{kind.callback_field: me[kind.callback_field] for kind in WEBHOOK_KINDS},
        "token": instance.token,
        "tenant": instance.account.name if instance.account else "",
        "created": me["created"],
        "due": me["due"],
        "paymentStatus": instance.payment_status,
        "receivedStatusCallbackUrl": "",
        "phoneConnected": instance.is_connected and instance.smartphone_connected,
        "whatsappConnected": instance.is_connected,
        "middleware": instance.middleware,
        "name": instance.name,
        "id": instance.zapi_id,
    }


@handles("partner_list_instances")
def list_instances(call: Call) -> Answer:
    page = call.int_query("page", 1)
    page_size = call.int_query("pageSize", 100, high=1000)
    rows = SandboxInstance.objects.filter(account=call.account).select_related("account")
    query = (call.query.get("query") or "").strip()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(zapi_id__icontains=query))
    middleware = call.query.get("middleware")
    if middleware:
        if middleware not in ("web", "mobile"):
            raise ApiError(400, INVALID_REQUEST, field="middleware")
        rows = rows.filter(middleware=middleware)
    total = rows.count()
    start = (page - 1) * page_size
    return {
        "total": total,
        "totalPage": math.ceil(total / page_size) if total else 0,
        "pageSize": page_size,
        "page": page,
        "content": [_row(i) for i in rows.order_by("pk")[start : start + page_size]],
    }
