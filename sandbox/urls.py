"""The sandbox's URLs: sandbox-only controls under ``_control/``, then one route per
template in ``zapi.endpoints.ENDPOINTS`` (see routing.py)."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, re_path

from sandbox.api import endpoint_view, not_found_view
from sandbox.controls import control_view, numbers_view
from sandbox.routing import route_regex, routes_by_template, served_endpoints

app_name = "sandbox"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(
        r"^_control/instances/(?P<instanceId>[^/]+)/token/(?P<token>[^/]+)/(?P<action>[\w-]+)$",
        control_view,
        name="control",
    ),
    re_path(r"^_control/numbers$", numbers_view, name="control-numbers"),
]
urlpatterns += [
    re_path(
        route_regex(route),
        endpoint_view,
        kwargs={"routes": methods},
        name="api-" + "-".join(sorted(e.name for e in methods.values())),
    )
    for route, methods in routes_by_template(served_endpoints())
]

if not settings.SANDBOX_ENABLED:
    urlpatterns = []

# Unknown emulator paths get a JSON 404; anything else under /sandbox/ falls through to the
# dashboard, which serves the sandbox's own admin pages at /sandbox/<model>/.
urlpatterns.append(
    re_path(r"^(?P<rest>(instances|api|_control)(/.*)?)$", not_found_view, name="not-found")
)
