"""The one way a page, an action or an API view gets an instance from a URL.

``scoped_instance`` fetches through the tenant scope (``Instance.objects.for_user``), so an
instance of another partner is a 404 that says nothing of its existence, then checks the
capability *at that instance's partner* (a role at another partner does not count). A
refusal raises ``PermissionDenied``: Django answers it with the 403 page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from instances.models import Instance
from partners.roles import Capability
from partners.scoping import user_can


def scoped_instance(
    request: HttpRequest,
    pk: int | str,
    capability: Capability | Iterable[Capability] = Capability.VIEW,
) -> Instance:
    """The instance ``pk`` if the user sees it (else 404) and may do ``capability`` at its
    partner (else 403). Several capabilities: any one of them is enough."""
    instance = get_object_or_404(
        Instance.objects.for_user(request.user).select_related("partner"), pk=pk
    )
    if not instance_may(request, instance, capability):
        raise PermissionDenied
    return instance


def instance_may(
    request: HttpRequest, instance: Instance, capability: Capability | Iterable[Capability]
) -> bool:
    """May the user do ``capability`` (or any of several) at ``instance``'s partner?"""
    wanted = (capability,) if isinstance(capability, Capability) else tuple(capability)
    return any(user_can(request.user, c, instance.partner) for c in wanted)
