"""Pairing page (spec 002): a QR code refreshed every 10-20 s and stopped after 3 with a
button; the phone-code alternative; the page turns "connected" by itself when the connection
webhook has updated our row (htmx polls OUR database, not Z-API). Before pairing an instance
whose Z-API queue holds messages, the operator decides to keep or delete them (spec 001
"Queue > Fila": Z-API sends its queue automatically on connect)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from audit.models import AuditAction
from core.htmx import HtmxHttpRequest
from instances.forms import PhoneCodeForm
from instances.models import Instance
from instances.services import (
    instance_pairable,
    instance_probe,
    pairing_phone_code,
    pairing_qr,
    zapi_queue_clear,
    zapi_queue_count,
    zapi_queue_page,
)
from instances.shortcuts import scoped_instance
from instances.views.common import audit_outcomes, page_context, show
from partners.roles import Capability

QUEUE_DECISION_TTL = 15 * 60  # a decision on the queue holds for one pairing session


def _decision_key(instance: Instance) -> str:
    return f"instances:pairing_queue:{instance.pk}"


def _queue_decided(request: HttpRequest, instance: Instance) -> bool:
    at = request.session.get(_decision_key(instance))
    return isinstance(at, int | float) and time.time() - at < QUEUE_DECISION_TTL


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.PAIR)
    context = page_context(request, model_admin, instance, title=_("Pairing"), tab="pairing")
    context.update(_timing())
    if not instance_pairable(instance=instance):
        return TemplateResponse(request, "instances/pairing.html", {**context, "connected": True})
    if not _queue_decided(request, instance):
        count = zapi_queue_count(instance=instance)
        if not count.ok:
            show(request, count)
        elif count.value:
            listing = zapi_queue_page(instance=instance, page=1, page_size=20)
            context.update(count=count.value, listing=listing)
            return TemplateResponse(request, "instances/pairing_queue.html", context)
    context.update(phone_form=PhoneCodeForm())
    return TemplateResponse(request, "instances/pairing.html", context)


def _timing() -> dict[str, Any]:
    return {
        "refresh_seconds": settings.PAIRING_QR_REFRESH_SECONDS,
        "max_refreshes": settings.PAIRING_QR_MAX_REFRESHES,
        "poll_seconds": settings.PAIRING_STATE_POLL_SECONDS,
    }


@require_POST
def queue_decision(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.PAIR)
    if request.POST.get("choice") == "delete":
        outcome = zapi_queue_clear(instance=instance)
        show(request, outcome)
        audit_outcomes(request, instance, AuditAction.ZAPI_QUEUE_DELETE, [outcome], all=True)
        if not outcome.ok:
            return redirect("admin:instances_instance_pairing", object_id)
    request.session[_decision_key(instance)] = time.time()
    return redirect("admin:instances_instance_pairing", object_id)


def _connected(request: HttpRequest, instance: Instance) -> HttpResponse:
    response = TemplateResponse(
        request, "instances/_pairing_connected.html", {"instance": instance}
    )
    # Replace the whole pairing panel, whichever element asked.
    return reswap(retarget(response, "#pairing-panel"), "outerHTML")


def qr(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    """One QR refresh: ``n`` counts the QR codes shown; past the maximum, stop and offer a
    button instead of calling Z-API again (spec 002 "stop the flow after 3 calls")."""
    instance = scoped_instance(request, object_id, Capability.PAIR)
    if not instance_pairable(instance=instance):
        return _connected(request, instance)
    try:
        n = max(1, int(request.GET.get("n", "1")))
    except ValueError:
        n = 1
    context: dict[str, Any] = {"instance": instance, "n": n, **_timing()}
    if n > settings.PAIRING_QR_MAX_REFRESHES:
        return TemplateResponse(request, "instances/_qr.html", {**context, "stopped": True})
    outcome = pairing_qr(instance=instance)
    if n == 1:  # one row a pairing attempt, not one per QR refresh
        audit_outcomes(request, instance, AuditAction.INSTANCE_PAIR, [outcome], by="QR code")
    if outcome.ok and outcome.value is not None and outcome.value.already_connected:
        instance_probe(instance=instance)  # Z-API says connected: learn it now
        instance.refresh_from_db()
        if not instance_pairable(instance=instance):
            return _connected(request, instance)
    context.update(outcome=outcome, picture=outcome.value, next_n=n + 1)
    return TemplateResponse(request, "instances/_qr.html", context)


def state(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    """Polled by the pairing page: 204 (nothing to swap) until our row says connected."""
    instance = scoped_instance(request, object_id, Capability.PAIR)
    if instance_pairable(instance=instance):
        return HttpResponse(status=204)
    return _connected(request, instance)


@require_POST
def phone_code(request: HtmxHttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.PAIR)
    form = PhoneCodeForm(request.POST)
    outcome = None
    if form.is_valid():
        outcome = pairing_phone_code(instance=instance, phone=form.cleaned_data["phone"])
        audit_outcomes(request, instance, AuditAction.INSTANCE_PAIR, [outcome], by="phone code")
    context = {"instance": instance, "phone_form": form, "outcome": outcome}
    if not request.htmx:
        if outcome is not None:
            show(request, outcome)
        return redirect("admin:instances_instance_pairing", object_id)
    return TemplateResponse(request, "instances/_phone_code.html", context)
