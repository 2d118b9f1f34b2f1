"""Number registration (spec 003): register, verify the code, the list with its 90-day
countdown; a verified number goes to a new mobile instance's wizard."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partners.forms import RegisterNumberForm, VerifyCodeForm
from partners.models import RegisteredNumber
from partners.numbers import (
    MAX_CODE_REQUESTS,
    WAITING_LIMIT,
    code_request_wait,
    number_register,
    number_verify,
    waiting_numbers,
)
from partners.views.common import page_context, partner_for, show


def page(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    partner = partner_for(request, partner_id)
    form = RegisterNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = number_register(partner=partner, **form.cleaned_data)
        show(request, outcome)
        if outcome.ok:
            return redirect("admin:partners_partner_numbers", partner.pk)
    now = timezone.now()
    rows = list(RegisteredNumber.objects.filter(partner=partner).order_by("-created_at")[:500])
    for row in rows:  # what the countdown columns show
        row.wait = code_request_wait(row, now=now)  # type: ignore[attr-defined]
        left = row.expires_at - now if row.expires_at and row.expires_at > now else None
        row.left = left  # type: ignore[attr-defined]
    context = page_context(
        request, model_admin, partner, title=_("Number registration"), tab="numbers"
    )
    context.update(
        form=form,
        verify_form=VerifyCodeForm(),
        numbers=rows,
        waiting=waiting_numbers(partner=partner).count(),
        waiting_limit=WAITING_LIMIT,
        max_requests=MAX_CODE_REQUESTS,
    )
    return TemplateResponse(request, "partners/numbers.html", context)


def _number(partner_id: int, number_id: int) -> RegisteredNumber:
    return get_object_or_404(
        RegisteredNumber.objects.select_related("partner"), partner_id=partner_id, pk=number_id
    )


@require_POST
def verify(request: HttpRequest, partner_id: int, number_id: int, model_admin: Any) -> HttpResponse:
    partner = partner_for(request, partner_id)
    number = _number(partner.pk, number_id)
    form = VerifyCodeForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    show(request, number_verify(number=number, code=code))
    return redirect("admin:partners_partner_numbers", partner.pk)


@require_POST
def request_again(
    request: HttpRequest, partner_id: int, number_id: int, model_admin: Any
) -> HttpResponse:
    partner = partner_for(request, partner_id)
    number = _number(partner.pk, number_id)
    show(
        request,
        number_register(
            partner=partner, whatsapp=number.whatsapp, method=number.method,
            language=number.language, comment=number.comment,
        ),
    )  # fmt: skip
    return redirect("admin:partners_partner_numbers", partner.pk)
