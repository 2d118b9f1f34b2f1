"""The Company profile tab: one form sent part by part, what Z-API last answered for each
part, the category search (htmx) and the filled-profile checklist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from instances.business.forms import CompanyProfileForm
from instances.business.profile import STEP_NAMES, categories_search, company_profile_save
from instances.business.profile import profile_checklist as checklist_of
from instances.business.selectors import business_account_of
from instances.business.views.common import business_context, business_instance, refused
from instances.views.common import audit_outcomes, show_all
from partners.roles import Capability

TAB = "company"


def _posted_categories(request: HttpRequest) -> list[dict[str, str]]:
    rows = []
    for value in request.POST.getlist("categories"):
        cid, _sep, name = value.partition("|")
        if cid:
            rows.append({"id": cid[:64], "displayName": name[:120] or cid[:64]})
    return rows


def _when(answer: dict[str, Any]) -> datetime | None:
    try:
        return timezone.localtime(datetime.fromisoformat(str(answer.get("at"))))
    except ValueError:
        return None


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance, status = business_instance(request, object_id)
    account = business_account_of(instance)
    if request.method == "POST":
        instance, status = business_instance(request, object_id, Capability.OPERATE)
        if not status.enabled:
            return refused(request, status, object_id, TAB)
        known = [*account.categories, *_posted_categories(request)]
        form = CompanyProfileForm(request.POST, categories=known)
        if form.is_valid():
            outcomes = company_profile_save(instance=instance, profile=form.profile())
            show_all(request, outcomes)
            audit_outcomes(request, instance, AuditAction.COMPANY_PROFILE, outcomes)
            if not outcomes:
                messages.info(request, _("Nothing changed: nothing was sent to Z-API."))
            return redirect(f"admin:instances_instance_{TAB}", instance.pk)
    else:
        form = CompanyProfileForm(
            initial=CompanyProfileForm.initial_of(account), categories=account.categories
        )
    answers = [
        {**account.answers[endpoint], "name": name, "when": _when(account.answers[endpoint])}
        for endpoint, name in STEP_NAMES.items()
        if endpoint in account.answers
    ]
    context = business_context(
        request, model_admin, instance, status, title=_("Company profile"), tab=TAB
    )
    context.update(
        form=form,
        account=account,
        answers=answers,
        checklist=checklist_of(instance, account),
    )
    return TemplateResponse(request, "instances/business/company.html", context)


def categories(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    """The category search's results as checkboxes (htmx swaps them into the form)."""
    instance, status = business_instance(request, object_id, Capability.OPERATE)
    query = request.GET.get("q", "").strip()[:100]
    outcome = categories_search(instance=instance, query=query) if status.enabled else None
    return TemplateResponse(
        request,
        "instances/business/_categories.html",
        {"outcome": outcome, "query": query, "status": status},
    )
