"""Sync with Z-API's instance list: the last report, instances only Z-API has (import) and
instances Z-API's list no longer has (flagged, kept)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from instances.models import Instance
from partners.sync import instance_import, partner_sync
from partners.views.common import page_context, partner_for, show


def page(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    partner = partner_for(request, partner_id)
    if request.method == "POST":
        show(request, partner_sync(partner=partner))
        return redirect("admin:partners_partner_sync", partner.pk)
    report = dict(partner.last_sync or {})
    zapi_only = [
        {**row, "due_at": parse_datetime(row["due"]) if row.get("due") else None}
        for row in report.get("zapi_only", [])
    ]
    missing = Instance.objects.filter(
        partner=partner, missing_at_zapi_since__isnull=False
    ).order_by("missing_at_zapi_since")
    context = page_context(request, model_admin, partner, title=_("Sync with Z-API"), tab="sync")
    context.update(
        report=report,
        synced_at=parse_datetime(report["at"]) if report.get("at") else None,
        zapi_only=zapi_only,
        missing=missing,
    )
    return TemplateResponse(request, "partners/sync.html", context)


@require_POST
def import_one(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    partner = partner_for(request, partner_id)
    outcome = instance_import(partner=partner, zapi_id=request.POST.get("zapi_id", ""))
    show(request, outcome)
    if outcome.ok and outcome.value is not None:
        return redirect("admin:instances_instance_overview", outcome.value.pk)
    return redirect("admin:partners_partner_sync", partner.pk)
