"""The partner home: instances by state, token usage, trials ending, the next invoice,
numbers awaiting registration, recent provisioning actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from instances.models import Instance, SubscriptionState
from partners.billing import BillingRules
from partners.lifecycle import PENDING_PREFIX, token_usage, trials_ending
from partners.models import Partner, RegisteredNumber, RegisteredNumberState
from partners.roles import Capability
from partners.scoping import partners_where
from partners.selectors import partner_invoices_next
from partners.views.common import page_context, partner_for


def mine(request: HttpRequest, model_admin: Any) -> HttpResponse:
    """The first partner where the user may provision."""
    ids = partners_where(request.user, Capability.PROVISION)
    partners = Partner.objects.all() if ids is None else Partner.objects.filter(pk__in=ids)
    first = partners.order_by("name").first()
    if first is None:
        raise PermissionDenied
    return redirect("admin:partners_partner_home", first.pk)


def page(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    partner = partner_for(request, partner_id)
    fleet = Instance.objects.filter(partner=partner).exclude(zapi_id__startswith=PENDING_PREFIX)
    counts = dict(
        fleet.order_by()
        .values_list("subscription_state")
        .annotate(n=Count("pk"))
        .values_list("subscription_state", "n")
    )
    states = [(label, counts.get(value, 0), value) for value, label in SubscriptionState.choices]
    recent = []
    for row in fleet.exclude(origin="added").order_by("-created_at")[:20]:
        recent.append((row.created_at, _("created"), row))
        if row.subscribed_at:
            recent.append((row.subscribed_at, _("subscribed"), row))
        if row.cancelled_at:
            recent.append((row.cancelled_at, _("cancelled"), row))
    recent.sort(key=lambda item: item[0], reverse=True)
    partners = Partner.objects.for_user(request.user)
    ids = partners_where(request.user, Capability.PROVISION)
    if ids is not None:
        partners = partners.filter(pk__in=ids)
    context = page_context(request, model_admin, partner, title=_("Partner home"), tab="home")
    context.update(
        states=states,
        usage=token_usage(partner=partner),
        trials=trials_ending(partner_ids=[partner.pk])[:10],
        next_invoice=partner_invoices_next(partner=partner, count=1)[0],
        rules=BillingRules.from_settings(),
        numbers=RegisteredNumber.objects.filter(
            partner=partner, state=RegisteredNumberState.CODE_REQUESTED
        ).count(),
        verified=RegisteredNumber.objects.filter(
            partner=partner, state=RegisteredNumberState.VERIFIED
        ).count(),
        recent=recent[:10],
        missing=fleet.filter(missing_at_zapi_since__isnull=False).count(),
        zapi_only=len((partner.last_sync or {}).get("zapi_only", [])),
        other_partners=partners.exclude(pk=partner.pk),
    )
    return TemplateResponse(request, "partners/home.html", context)
