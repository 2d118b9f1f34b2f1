"""Who a partner's API key is: a principal that acts at one partner with one role.

It answers what ``partners.scoping`` asks of a user (``is_active``, the partners it belongs
to, its roles there), so every queryset goes through the same ``for_user`` door as the
pages and every capability check reads the same table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partners.roles import Role

if TYPE_CHECKING:
    from api.models import ApiKey


class ApiKeyPrincipal:
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey) -> None:
        assert api_key.partner_id is not None
        self.api_key = api_key
        self.api_partner_ids = [api_key.partner_id]
        # Read by ``partners.scoping.memberships_of`` (the per-request cache of roles).
        self._fleet_memberships = {api_key.partner_id: {Role(api_key.role)}}
        self.username = f"api-key:{api_key.prefix}"
        # Read by ``audit.services.audit_record``: the key is the actor of what it does.
        self.acting_api_key = api_key

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return f"API key {self.api_key.name} ({self.api_key.prefix}…)"
