import os

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("<int:instance_id>/<str:secret>/", views.receive, name="receive"),
    # Z-API lets each event kind have its own URL; the kind in the path is informative only,
    # the payload's ``type`` decides.
    path("<int:instance_id>/<str:secret>/<slug:kind>", views.receive, name="receive-kind"),
]

# bench/webhooks_bench.py compares the receiver with an endpoint that only answers 200,
# under the same server and middleware. Never mounted unless asked for.
if os.environ.get("BENCH_BARE_ENDPOINT") == "1":
    urlpatterns.append(path("bench-bare/", views.bare, name="bench-bare"))
