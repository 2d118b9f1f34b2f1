"""What every resource shares: the tenant door, the capability per action, the helpers."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.request import Request

from partners.roles import Capability
from partners.scoping import partners_where


class ScopedViewSet(viewsets.GenericViewSet):
    """``queryset_for(user)`` is the resource's ``Model.objects.for_user(user)``; another
    tenant's object is simply not there (404)."""

    capabilities: dict[str, Capability | None] = {}
    ordering: tuple[str, ...] = ("-pk",)
    # Our ids are integers: anything else never reaches a view (the API's JSON 404).
    lookup_value_regex = "[0-9]+"

    def queryset_for(self, user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset_for_schema()
        return self.queryset_for(self.request.user)

    def queryset_for_schema(self) -> QuerySet[Any]:
        model: type[Model] = self.get_serializer_class().Meta.model
        return model._default_manager.none()


def operable_partners(request: Request) -> set[int] | None:
    return partners_where(request.user, Capability.OPERATE)


def partner_for_write(request: Request, partner_id: int | None, capability: Capability) -> Any:
    """The partner a new row belongs to: the one given (404 if not visible, 403 if the role
    may not), or the only one where the caller may do ``capability``."""
    from django.shortcuts import get_object_or_404
    from rest_framework.exceptions import PermissionDenied, ValidationError

    from partners.models import Partner
    from partners.scoping import user_can

    if partner_id is not None:
        partner = get_object_or_404(Partner.objects.for_user(request.user), pk=partner_id)
        if not user_can(request.user, capability, partner):
            raise PermissionDenied
        return partner
    ids = partners_where(request.user, capability)
    if ids is not None and len(ids) == 1:
        return Partner.objects.get(pk=next(iter(ids)))
    if ids is not None and not ids:
        raise PermissionDenied
    raise ValidationError({"partner": [_("Say which partner (you may write at several).")]})


def audit(request: Request, action: Any, **row: Any) -> None:
    """The audit row the page's action writes, with the API key as the actor."""
    from audit.services import audit_record, request_ip

    audit_record(actor=request.user, action=action, ip=request_ip(request._request), **row)
