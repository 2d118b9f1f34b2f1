import os

from django.db import connection
from django.urls import path, register_converter
from django.urls.converters import IntConverter

from webhooks import views


class InstanceIdConverter(IntConverter):
    """An instance's id: a number its primary key can hold. A larger one is no instance of
    ours, so the URL does not resolve (404) instead of reaching the receiver's statement,
    which the database would refuse."""

    regex = "[0-9]{1,20}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > connection.ops.integer_field_range("BigAutoField")[1]:
            raise ValueError(value)
        return number


register_converter(InstanceIdConverter, "instance_id")

app_name = "webhooks"

urlpatterns = [
    path("<instance_id:instance_id>/<str:secret>/", views.receive, name="receive"),
    # Z-API lets each event kind have its own URL; the kind in the path is informative only,
    # the payload's ``type`` decides.
    path("<instance_id:instance_id>/<str:secret>/<slug:kind>", views.receive, name="receive-kind"),
]

# bench/webhooks_bench.py compares the receiver with an endpoint that only answers 200,
# under the same server and middleware. Never mounted unless asked for.
if os.environ.get("BENCH_BARE_ENDPOINT") == "1":
    urlpatterns.append(path("bench-bare/", views.bare, name="bench-bare"))
