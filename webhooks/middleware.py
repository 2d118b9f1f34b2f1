"""The webhook URLs' short way through the middleware stack.

A webhook is a machine's POST that the receiver answers with a few bytes of JSON: sessions,
the logged-in user, its second factor, CSRF, the locale, messages, htmx and the browser
security headers (CSP, frame options, permissions policy) have nothing to do with it, and
together they cost a webhook request more CPU than the receiver's own code does
(``bench/README.md``, "Webhook receiver"). At fleet scale every message sent comes back as
three or four webhooks, so that is the product's largest cost per message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def machine_endpoint(view: View) -> View:
    """Mark a view under the webhook URLs as one that ``WebhookShortcutMiddleware`` calls
    directly: it must need nothing of the middleware after it (no session, user, CSRF,
    locale or messages) and answer a machine, not a browser."""
    view.machine_endpoint = True  # type: ignore[attr-defined]
    return view


class WebhookShortcutMiddleware:
    """Call a ``machine_endpoint`` view under the webhook URLs without the rest of the stack.

    Placed right after Django's SecurityMiddleware, so HTTPS redirects and its headers still
    apply. Every other request, and a webhook URL that does not resolve (its 404 page), goes
    on through the whole stack as before. An exception the view raises still becomes a
    logged 500 (Django wraps each middleware), and the receiver answers a database error
    with its own 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # "/webhooks/" (wherever config/urls.py mounts the app), from the URLconf itself.
        sample = reverse("webhooks:receive", kwargs={"instance_id": 0, "secret": "s"})
        self.prefix = sample.removesuffix("0/s/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.prefix):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            if getattr(match.func, "machine_endpoint", False):
                request.resolver_match = match
                return cast(HttpResponse, match.func(request, *match.args, **match.kwargs))
        return self.get_response(request)
