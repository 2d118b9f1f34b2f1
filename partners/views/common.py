"""What every partner page shares: the scoped lookups and the page context."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from instances.models import Instance
from instances.outcome import Outcome
from instances.shortcuts import scoped_instance
from partners.models import Partner
from partners.roles import Capability
from partners.scoping import user_can


def partner_for(
    request: HttpRequest, partner_id: int, capability: Capability = Capability.PROVISION
) -> Partner:
    """The partner if the user sees it (else 404) and may do ``capability`` there (else 403)."""
    partner = get_object_or_404(Partner.objects.for_user(request.user), pk=partner_id)
    if not user_can(request.user, capability, partner):
        raise PermissionDenied
    return partner


def partner_instance_for(request: HttpRequest, instance_id: int) -> Instance:
    """An instance of the partner pages: the one lookup, with the partner's capability."""
    return scoped_instance(request, instance_id, Capability.PROVISION)


def page_context(
    request: HttpRequest, model_admin: Any, partner: Partner, *, title: Any, tab: str
) -> dict[str, Any]:
    from partners.views import partner_tabs

    return {
        **model_admin.admin_site.each_context(request),
        "opts": Partner._meta,
        "partner": partner,
        "title": title,
        "subtitle": partner.name,
        "tabs": partner_tabs(partner, tab),
    }


def show(request: HttpRequest, outcome: Outcome[Any]) -> None:
    level = messages.SUCCESS if outcome.ok else messages.ERROR
    messages.add_message(request, level, str(outcome))
