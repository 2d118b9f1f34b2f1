"""``Authorization: Bearer <key>`` (or ``Api-Key <key>``). A missing, unknown, revoked or
expired key is a 401 with ``WWW-Authenticate``; so is a wrong basic-auth password, because
this class comes first and DRF answers with the first class's header."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api.services import api_key_authenticate

KEYWORDS = ("bearer", "api-key")


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Give the key after the keyword: Bearer <key>."))
        found = api_key_authenticate(key=parts[1].decode(errors="replace"))
        if found is None:
            raise AuthenticationFailed(_("Unknown, revoked or expired API key."))
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
