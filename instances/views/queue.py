"""Z-API's queue of one instance, for support (spec 001, "Queue"): page/pageSize or
cursor paging, the count, delete one, delete all (confirmed), refreshed live by htmx."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from instances.models import Instance
from instances.services import (
    zapi_queue_after,
    zapi_queue_clear,
    zapi_queue_count,
    zapi_queue_delete,
    zapi_queue_page,
)
from instances.shortcuts import scoped_instance
from instances.views.common import audit_outcomes, page_context, show
from partners.roles import QUEUE_FIXERS

PAGE_SIZES = (10, 20, 50, 100)


def _paging(request: HttpRequest) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    try:
        page = max(1, int(source.get("page", "1")))
        page_size = int(source.get("page_size", "20"))
    except ValueError:
        page, page_size = 1, 20
    page_size = page_size if page_size in PAGE_SIZES else 20
    mode = "cursor" if source.get("mode") == "cursor" else "page"
    return {"mode": mode, "page": page, "page_size": page_size, "cursor": source.get("cursor", "")}


def _listing_context(instance: Instance, paging: dict[str, Any]) -> dict[str, Any]:
    if paging["mode"] == "cursor":
        listing = zapi_queue_after(
            instance=instance, cursor=paging["cursor"], page_size=paging["page_size"]
        )
    else:
        listing = zapi_queue_page(
            instance=instance, page=paging["page"], page_size=paging["page_size"]
        )
    count = zapi_queue_count(instance=instance)
    base = reverse("admin:instances_instance_queue", args=[instance.pk])
    view = listing.value
    links: dict[str, str] = {}
    if view is not None and paging["mode"] == "page":
        if paging["page"] > 1:
            links["prev"] = f"{base}?{urlencode({**paging, 'page': paging['page'] - 1})}"
        if view.has_more:
            links["next"] = f"{base}?{urlencode({**paging, 'page': paging['page'] + 1})}"
    elif view is not None:
        if paging["cursor"]:
            links["first"] = f"{base}?{urlencode({**paging, 'cursor': ''})}"
        if view.has_more:
            links["next"] = f"{base}?{urlencode({**paging, 'cursor': view.next_cursor})}"
    rows_url = reverse("admin:instances_instance_queue_rows", args=[instance.pk])
    return {
        "instance": instance,
        "listing": listing,
        "count": count,
        "paging": paging,
        "links": links,
        "rows_url": f"{rows_url}?{urlencode(paging)}",
        "query": urlencode(paging),
        "page_sizes": PAGE_SIZES,
        "refresh_seconds": settings.ZAPI_QUEUE_REFRESH_SECONDS,
    }


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, QUEUE_FIXERS)
    context = page_context(request, model_admin, instance, title=_("Z-API queue"), tab="queue")
    context.update(_listing_context(instance, _paging(request)))
    return TemplateResponse(request, "instances/queue.html", context)


def rows(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    """The live part of the page, polled by htmx."""
    instance = scoped_instance(request, object_id, QUEUE_FIXERS)
    context = _listing_context(instance, _paging(request))
    return TemplateResponse(request, "instances/_queue_rows.html", context)


def _back(instance: Instance, request: HttpRequest) -> HttpResponse:
    base = reverse("admin:instances_instance_queue", args=[instance.pk])
    return redirect(f"{base}?{urlencode(_paging(request))}")


@require_POST
def delete_one(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, QUEUE_FIXERS)
    zaap_id = request.POST.get("zaap_id", "").strip()
    if zaap_id:
        outcome = zapi_queue_delete(instance=instance, zaap_id=zaap_id)
        show(request, outcome)
        audit_outcomes(
            request, instance, AuditAction.ZAPI_QUEUE_DELETE, [outcome], zaap_id=zaap_id[:64]
        )
    return _back(instance, request)


def clear(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, QUEUE_FIXERS)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        outcome = zapi_queue_clear(instance=instance)
        show(request, outcome)
        audit_outcomes(request, instance, AuditAction.ZAPI_QUEUE_DELETE, [outcome], all=True)
        return _back(instance, request)
    context = page_context(
        request, model_admin, instance, title=_("Empty Z-API's queue?"), tab="queue"
    )
    context.update(count=zapi_queue_count(instance=instance))
    return TemplateResponse(request, "instances/queue_clear.html", context)
