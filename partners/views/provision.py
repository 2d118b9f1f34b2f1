""" "New instance": on-demand creation (spec 001, "Partners > Creating an instance"), then straight
to pairing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.services import request_ip
from partners.forms import ProvisionForm
from partners.lifecycle import instance_provision, provision_refusal, token_usage
from partners.models import RegisteredNumber, RegisteredNumberState
from partners.numbers import number_use
from partners.views.common import page_context, partner_for, show


def page(
    request: HttpRequest, partner_id: int, model_admin: Any, number: RegisteredNumber | None = None
) -> HttpResponse:
    partner = partner_for(request, partner_id)
    refusal = provision_refusal(partner=partner)
    initial = {"kind": "mobile", "name": f"+{number.whatsapp}"} if number else {}
    form = ProvisionForm(request.POST or None, partner=partner, initial=initial)
    if request.method == "POST" and not refusal and form.is_valid():
        data = form.cleaned_data
        outcome = instance_provision(
            partner=partner,
            name=data["name"],
            session_name=data["session_name"],
            mobile=data["kind"] == "mobile",
            business=data["business"] == "business",
            call_reject_auto=data["call_reject_auto"],
            call_reject_message=data["call_reject_message"],
            auto_read_message=data["auto_read_message"],
            customer=data["customer"],
            actor=request.user,
            ip=request_ip(request),
        )
        show(request, outcome)
        if outcome.ok and outcome.value is not None:
            instance = outcome.value
            if data["kind"] == "mobile":
                url = reverse("admin:instances_instance_mobile", args=[instance.pk])
                if number is not None:
                    number_use(number=number, instance=instance)
                return redirect(url)
            return redirect("admin:instances_instance_pairing", instance.pk)
    context = page_context(request, model_admin, partner, title=_("New instance"), tab="provision")
    context.update(form=form, refusal=refusal, usage=token_usage(partner=partner), number=number)
    return TemplateResponse(request, "partners/provision.html", context)


def for_number(
    request: HttpRequest, partner_id: int, number_id: int, model_admin: Any
) -> HttpResponse:
    """A verified number goes to the mobile wizard of a new mobile instance."""
    partner = partner_for(request, partner_id)
    number = get_object_or_404(
        RegisteredNumber.objects.filter(partner=partner, state=RegisteredNumberState.VERIFIED),
        pk=number_id,
    )
    return page(request, partner.pk, model_admin, number=number)
