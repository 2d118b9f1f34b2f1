"""One instance's subscription: state, trial countdown, subscribe and cancel with a
confirmation that says the cost and the dates, and its customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.services import request_ip
from instances.models import SubscriptionState
from instances.outcome import Outcome
from instances.selectors import billing_of
from partners.forms import CustomerChoiceForm
from partners.lifecycle import instance_cancel, instance_subscribe, subscription_quote
from partners.views.common import page_context, partner_instance_for, show


def _context(request: HttpRequest, model_admin: Any, instance: Any, title: Any) -> dict[str, Any]:
    context = page_context(request, model_admin, instance.partner, title=title, tab="")
    context.update(
        instance=instance,
        billing=billing_of(instance),
        quote=subscription_quote(instance=instance),
        customer_form=CustomerChoiceForm(
            partner=instance.partner, initial={"customer": instance.customer_id}
        ),
        can_subscribe=instance.subscription_state
        in (SubscriptionState.TRIAL, SubscriptionState.CANCELLED, SubscriptionState.UNKNOWN,
            SubscriptionState.EXPIRED),
        can_cancel=instance.subscription_state == SubscriptionState.SUBSCRIBED,
    )  # fmt: skip
    return context


def page(request: HttpRequest, instance_id: int, model_admin: Any) -> HttpResponse:
    instance = partner_instance_for(request, instance_id)
    context = _context(request, model_admin, instance, _("Subscription"))
    return TemplateResponse(request, "partners/subscription.html", context)


def _confirmed(
    request: HttpRequest, instance_id: int, model_admin: Any, *, which: str, title: Any,
    service: Callable[..., Outcome[Any]],
) -> HttpResponse:  # fmt: skip
    """GET: the confirmation that says the cost and the dates; POST: do it at Z-API."""
    instance = partner_instance_for(request, instance_id)
    if request.method == "POST":
        show(request, service(instance=instance, actor=request.user, ip=request_ip(request)))
        return redirect("admin:partners_partner_subscription", instance.pk)
    context = _context(request, model_admin, instance, title)
    context["confirm"] = which
    return TemplateResponse(request, "partners/subscription_confirm.html", context)


def subscribe(request: HttpRequest, instance_id: int, model_admin: Any) -> HttpResponse:
    return _confirmed(request, instance_id, model_admin, which="subscribe",
                      title=_("Subscribe"), service=instance_subscribe)  # fmt: skip


def cancel(request: HttpRequest, instance_id: int, model_admin: Any) -> HttpResponse:
    return _confirmed(request, instance_id, model_admin, which="cancel",
                      title=_("Cancel"), service=instance_cancel)  # fmt: skip


@require_POST
def customer(request: HttpRequest, instance_id: int, model_admin: Any) -> HttpResponse:
    from partners.services import instance_customer_set

    instance = partner_instance_for(request, instance_id)
    form = CustomerChoiceForm(request.POST, partner=instance.partner)
    if form.is_valid():
        instance_customer_set(instance=instance, customer=form.cleaned_data["customer"])
    return redirect("admin:partners_partner_subscription", instance.pk)
