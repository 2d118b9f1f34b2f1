from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "down"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def refusal(request: HttpRequest, *, status: int, title: str, text: str) -> HttpResponse:
    """A refusal as a page of the dashboard (its layout, a way back), never a bare status."""
    from django.contrib import admin

    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else ""
    context = {
        **(admin.site.each_context(request) if hasattr(request, "user") else {}),
        "title": title,
        "text": text,
        "back_url": back,
    }
    return TemplateResponse(request, "core/refusal.html", context, status=status).render()


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: what the person's role does not allow."""
    return refusal(
        request,
        status=403,
        title=_("Not allowed"),
        text=_(
            "Your role does not allow this. Ask a partner admin of this partner if you need it."
        ),
    )


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any) -> HttpResponse:
    """django-axes' lockout answer (``AXES_LOCKOUT_CALLABLE``): a page in the layout for the
    login form, a JSON error for the API."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    text = _(
        "Too many failed logins for this name from your address. Try again in %(minutes)d "
        "minutes, or ask a staff member to unlock it."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text}, status=429)
    return refusal(request, status=429, title=_("Login locked"), text=text)
