"""The API's basic auth with django-axes' lockout: a locked username and address get a 429
saying so, not a 403 that reads like a wrong password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import BasicScheme
from rest_framework import status
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed


class LoginLocked(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed logins for this name from your address.")
    default_code = "login_locked"


class LockoutBasicAuthentication(BasicAuthentication):
    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        try:
            return super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            # django-axes marks the request it was given (DRF's, not Django's) as locked out.
            if request is not None and getattr(request, "axes_locked_out", False):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                raise LoginLocked(
                    _("Too many failed logins for this name from your address. Try again in "
                      "%(minutes)d minutes.") % {"minutes": minutes}
                ) from None  # fmt: skip
            raise


class LockoutBasicScheme(BasicScheme):
    """The OpenAPI schema describes it as the basic auth it is."""

    target_class = "core.api_auth.LockoutBasicAuthentication"
