"""The one place that builds the partner-side ``zapi`` clients from our rows and settings,
and says their errors in words a reseller understands."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from instances.outcome import zapi_error_text
from instances.zapi import timeout
from partners.models import Partner
from zapi.clients.partner import NumberRegistrationClient, PartnerClient
from zapi.errors import (
    AuthError,
    MaybeDeliveredError,
    NeverSentError,
    RateLimitedError,
    ServerError,
    ZapiError,
)


def partner_client(partner: Partner, **kwargs: Any) -> PartnerClient:
    """The integrator API client (``ValueError`` when the partner has no token)."""
    kwargs.setdefault("timeout", timeout())
    return PartnerClient(settings.ZAPI_PARTNER_BASE_URL, str(partner.integrator_token), **kwargs)


def number_client(partner: Partner, **kwargs: Any) -> NumberRegistrationClient:
    """The number-registration client (spec 003) with the partner's access token."""
    kwargs.setdefault("timeout", timeout())
    token = str(partner.number_registration_token) or str(partner.integrator_token)
    return NumberRegistrationClient(settings.NUMBER_REGISTRATION_BASE_URL, token, **kwargs)


def partner_error_text(exc: ZapiError) -> str:
    """What a partner member reads when the integrator API fails (never a token)."""
    if _is_limit(exc):
        return _(
            "Z-API says this integrator token has reached its instance limit. The first token "
            "creates 25 instances: ask Z-API for the definitive token. (%(detail)s)"
        ) % {"detail": exc.message}
    if isinstance(exc, AuthError):
        return _(
            "Z-API refused the partner's integrator token (HTTP %(status)s). Check the token "
            "in the partner's settings; nothing was changed."
        ) % {"status": exc.status_code or 401}
    if isinstance(exc, ServerError):
        return _(
            "Z-API failed on its side (HTTP %(status)s); nothing was changed here. Try again "
            "in a few minutes."
        ) % {"status": exc.status_code}
    if isinstance(exc, RateLimitedError):
        return _("Z-API asks to slow down (HTTP 429); try again in a minute.")
    if isinstance(exc, NeverSentError):
        return _("Z-API could not be reached (%(detail)s); nothing was sent.") % {
            "detail": exc.message
        }
    if isinstance(exc, MaybeDeliveredError):
        return _(
            "Z-API did not answer in time (%(detail)s): it may have done it anyway. The next "
            "sync with Z-API's list will show it."
        ) % {"detail": exc.message}
    return zapi_error_text(exc)


def _is_limit(exc: ZapiError) -> bool:
    text = f"{exc.message} {exc.body}".lower()
    return exc.status_code in (400, 402, 403, 409, 422) and "limit" in text
