from __future__ import annotations

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
