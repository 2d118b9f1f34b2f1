"""Request guards that run before any view reads the request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.views import refusal


class RequestBodyLimitMiddleware:
    """Refuse a body larger than an upload plus its form (413) from its declared length,
    before anything reads it: Django checks an uploaded file's size only once it has
    streamed the whole body to disk. The webhook receiver keeps its own, smaller limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.FILE_UPLOAD_MAX_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            text = _(
                "This request is %(size)s; the largest upload accepted is %(limit)s. "
                "Send a link to the file instead."
            ) % {
                "size": filesizeformat(declared),
                "limit": filesizeformat(settings.FILE_UPLOAD_MAX_SIZE),
            }
            if request.path.startswith("/api/"):  # the API's one error shape, not a page
                error = {"code": "request_too_large", "detail": text, "attr": None}
                return JsonResponse({"type": "client_error", "errors": [error]}, status=413)
            return refusal(request, status=413, title=_("Too large"), text=text)
        return self.get_response(request)
