from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("<int:instance_id>/<str:secret>/", views.receive, name="receive"),
    # Z-API lets each event kind have its own URL; the kind in the path is informative only,
    # the payload's ``type`` decides.
    path("<int:instance_id>/<str:secret>/<slug:kind>", views.receive, name="receive-kind"),
]
