"""What the business tabs share: the scoped lookup that also knows whether the number is a
WhatsApp Business one, and the page context."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from instances.business.selectors import BusinessStatus, business_status
from instances.models import Instance
from instances.shortcuts import instance_may, scoped_instance
from instances.views.common import page_context
from partners.roles import Capability


def business_instance(
    request: HttpRequest, object_id: int, capability: Capability = Capability.VIEW
) -> tuple[Instance, BusinessStatus]:
    instance = scoped_instance(request, object_id, capability)
    return instance, business_status(instance)


def refused(request: HttpRequest, status: BusinessStatus, object_id: int, tab: str) -> HttpResponse:
    """An action on a number where business APIs do not work: say why, change nothing."""
    messages.error(request, str(status.reason))
    return back(request, object_id, tab)


def back(request: HttpRequest, object_id: int, tab: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(f"admin:instances_instance_{tab}", object_id)


def business_context(
    request: HttpRequest,
    model_admin: Any,
    instance: Instance,
    status: BusinessStatus,
    *,
    title: Any,
    tab: str,
) -> dict[str, Any]:
    context = page_context(request, model_admin, instance, title=title, tab=tab)
    context.update(status=status, can_operate=instance_may(request, instance, Capability.OPERATE))
    return context


def own_or_404(queryset: Any, pk: Any) -> Any:
    """A row of this instance by our pk (from a form): another instance's row is a 404."""
    if not str(pk or "").isdigit():
        raise Http404
    row = queryset.filter(pk=int(pk)).first()
    if row is None:
        raise Http404
    return row


Action = Callable[[HttpRequest, Instance], HttpResponse]


def business_action(tab: str) -> Callable[[Action], Callable[..., HttpResponse]]:
    """A POST that changes something at Z-API: the instance is looked up with OPERATE
    (foreign: 404, not allowed: 403), refused in words on a non-business number, and the
    view (``view(request, instance)``) answers where to go back to."""

    def decorate(view: Action) -> Callable[..., HttpResponse]:
        @require_POST
        @wraps(view)
        def wrapped(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
            instance, status = business_instance(request, object_id, Capability.OPERATE)
            if not status.enabled:
                return refused(request, status, object_id, tab)
            return view(request, instance)

        return wrapped

    return decorate
