"""Health history of one instance, a probe on demand, and dismissing notices."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from instances.models import InstanceNotice
from instances.selectors import instance_probes, uptime_by_instance
from instances.services import instance_notices_dismiss, instance_probe
from instances.shortcuts import scoped_instance
from instances.svg import uptime_strip
from instances.views.common import page_context, show
from partners.roles import Capability
from partners.scoping import user_can


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id)
    context = page_context(request, model_admin, instance, title=_("Health"), tab="health")
    hours = uptime_by_instance(instance_ids=[instance.pk])[instance.pk]
    context.update(
        strip=uptime_strip(hours),
        probes=instance_probes(instance=instance),
        notices=instance.notices.order_by("-created_at")[:20],
    )
    return TemplateResponse(request, "instances/health.html", context)


@require_POST
def probe_now(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    show(request, instance_probe(instance=instance))
    return redirect("admin:instances_instance_health", object_id)


@require_POST
def dismiss_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(
        InstanceNotice.objects.for_user(request.user).select_related("instance__partner"),
        pk=notice_id,
    )
    if not user_can(request.user, Capability.OPERATE, notice.instance.partner):
        raise PermissionDenied
    instance_notices_dismiss(notices=InstanceNotice.objects.filter(pk=notice.pk))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "admin:instances_instance_changelist"
    return redirect(back)
