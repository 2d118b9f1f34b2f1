"""htmx through django-htmx: the request type its middleware gives views (``request.htmx``).
Responses use ``django_htmx.http`` (``retarget``, ``reswap``...) rather than raw headers."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
