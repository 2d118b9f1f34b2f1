"""Every API call checks a capability from ``partners.roles`` at the object's partner.

A view says which capability each action needs (``capabilities``); without it, reading needs
VIEW and anything else OPERATE. The queryset already hides other tenants (404); this answers
403 where the partner is the caller's but the role may not do that.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from partners.roles import Capability
from partners.scoping import user_can


def capability_for(request: Request, view: Any) -> Capability | None:
    table: dict[str, Capability | None] = getattr(view, "capabilities", {})
    action = getattr(view, "action", None)
    if action in table:
        return table[action]
    return Capability.VIEW if request.method in SAFE_METHODS else Capability.OPERATE


def partner_of(view: Any, obj: Any) -> Any:
    if hasattr(view, "partner_of"):
        return view.partner_of(obj)
    return getattr(obj, "partner", None)


class HasCapability(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        capability = capability_for(request, view)
        return capability is None or user_can(request.user, capability)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        capability = capability_for(request, view)
        if capability is None:
            return True
        return user_can(request.user, capability, partner_of(view, obj))
