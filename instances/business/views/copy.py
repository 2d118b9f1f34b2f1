"""Copy to other numbers: choose what and where, then watch each number's answer (htmx)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from instances.business.copy import business_copy_start
from instances.business.forms import BusinessCopyForm
from instances.business.models import BusinessCopy
from instances.business.selectors import business_status
from instances.business.views.common import business_context, business_instance, refused
from partners.roles import Capability

TAB = "labels"


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance, status = business_instance(request, object_id, Capability.OPERATE)
    if request.method == "POST":
        if not status.enabled:
            return refused(request, status, object_id, TAB)
        form = BusinessCopyForm(request.POST, source=instance)
        if form.is_valid():
            try:
                copy = business_copy_start(
                    source=instance,
                    targets=list(form.cleaned_data["targets"]),
                    parts=form.cleaned_data["parts"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                audit_record(
                    actor=request.user, partner=instance.partner, action=AuditAction.BUSINESS_COPY,
                    target=str(instance), instance=instance, ip=request_ip(request),
                    details={"copy": copy.pk, "parts": copy.parts,
                             "to": [t.name for t in form.cleaned_data["targets"]]},
                )  # fmt: skip
                url = reverse("admin:instances_instance_business_copy", args=[instance.pk])
                return redirect(f"{url}?job={copy.pk}")
    else:
        form = BusinessCopyForm(source=instance, initial={"parts": request.GET.getlist("part")})
    job = _job(request, instance.pk)
    chosen = {str(v) for v in (form["targets"].value() or [])}
    numbers = [
        {"instance": n, "status": business_status(n), "checked": str(n.pk) in chosen}
        for n in form.fields["targets"].queryset  # type: ignore[attr-defined]
    ]
    context = business_context(
        request, model_admin, instance, status, title=_("Copy to other numbers"), tab=""
    )
    context.update(
        form=form,
        job=job,
        recent=BusinessCopy.objects.filter(source=instance).exclude(pk=job.pk if job else 0)[:5],
        numbers=numbers,
    )
    return TemplateResponse(request, "instances/business/copy.html", context)


def _job(request: HttpRequest, source_id: int) -> BusinessCopy | None:
    job_id = request.GET.get("job", "")
    if not job_id.isdigit():
        return None
    return (
        BusinessCopy.objects.for_user(request.user)
        .filter(pk=int(job_id), source_id=source_id)
        .first()
    )


def progress(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    """The report of one copy (htmx polls it until the copy is done)."""
    instance, _status = business_instance(request, object_id)
    job = _job(request, instance.pk)
    return TemplateResponse(
        request, "instances/business/_copy_progress.html", {"job": job, "instance": instance}
    )
