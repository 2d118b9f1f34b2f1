"""What the console page shows and does; the admin view stays thin."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from sandbox import sending
from sandbox.controls import ACTIONS, PRESENCE_STATUSES, ControlError, state_of
from sandbox.inbound import INBOUND_KINDS
from sandbox.models import DEFAULT_FAULTS, DEFAULT_TIMINGS, SandboxInstance
from sandbox.qr import qr_svg

FAULT_LABELS = {
    "latency_ms": _("Added latency (ms)"),
    "error_share": _("Share of 500 answers (0-1)"),
    "rate_limit_share": _("Share of 429 answers (0-1)"),
    "drop_share": _("Share of webhooks dropped (0-1)"),
    "duplicate_share": _("Share of webhooks sent twice (0-1)"),
    "out_of_order": _("Share of messages with status webhooks out of order (0-1)"),
}


def console_context(instance: SandboxInstance) -> dict[str, Any]:
    state = state_of(instance)
    return {
        "instance": instance,
        "state": state,
        "qr_svg": qr_svg(state["qr"]) if state["qr"] else "",
        "queued": [sending.queue_item(m) for m in sending.queued(instance)[:20]],
        "webhooks": list(instance.sent_webhooks.order_by("-pk")[:20]),
        "webhooks_configured": any(instance.webhooks.values()),
        "faults": [(k, FAULT_LABELS[k], state["faults"][k]) for k in DEFAULT_FAULTS],
        "timings": sorted(state["timings"].items()),
        "inbound_kinds": INBOUND_KINDS,
        "presence_statuses": PRESENCE_STATUSES,
    }


def _numbers(form: QueryDict, keys: dict[str, float]) -> dict[str, str]:
    return {k: str(form.get(k)) for k in keys if form.get(k, "") != ""}


def console_action(instance: SandboxInstance, form: QueryDict) -> str | None:
    """Run one control from the console's forms; an error message, or None."""
    action = form.get("action", "")
    data: dict[str, Any]
    if action == "phone":
        data = {"online": form.get("online") == "1"}
    elif action == "tune":
        data = {
            "faults": _numbers(form, DEFAULT_FAULTS),
            "timings": _numbers(form, DEFAULT_TIMINGS),
        }
    else:
        data = {k: v for k, v in form.items() if k not in ("action", "csrfmiddlewaretoken")}
    handler = ACTIONS.get(action)
    if handler is None:
        return _("Unknown action.")
    try:
        handler(instance, data)
    except ControlError as exc:
        return str(exc)
    return None
