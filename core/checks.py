"""System checks of a production configuration (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_urls_and_sandbox(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    webhooks = "Z-API sends webhooks (with their secret in the path) to this address."
    tokens = "Instance and integrator tokens travel in these requests."
    https = [("PUBLIC_BASE_URL", webhooks, "fleet.E001")]
    if settings.WEBHOOK_BASE_URL:  # unset, webhooks go to PUBLIC_BASE_URL
        https.append(("WEBHOOK_BASE_URL", webhooks, "fleet.E001"))
    for name in ("ZAPI_BASE_URL", "ZAPI_PARTNER_BASE_URL", "NUMBER_REGISTRATION_BASE_URL"):
        https.append((name, tokens, "fleet.E002"))
    for name, hint, check_id in https:
        if not getattr(settings, name).startswith("https://"):
            errors.append(Error(f"{name} is not an https:// URL.", hint=hint, id=check_id))
    if settings.SANDBOX_ENABLED:
        errors.append(
            Error(
                "The sandbox (Z-API emulator) is enabled.",
                hint="Anyone with a sandbox token can make this server post to URLs of their "
                "choice; set SANDBOX_ENABLED=false (silence fleet.E003 only for a demo).",
                id="fleet.E003",
            )
        )
    if settings.ZAPI_BASE_URL.startswith(f"{settings.PUBLIC_BASE_URL}/sandbox"):
        errors.append(
            Error(
                "ZAPI_BASE_URL points at this server's own sandbox.",
                hint="Set ZAPI_BASE_URL to Z-API's address (https://api.z-api.io).",
                id="fleet.E004",
            )
        )
    return errors
