"""The instance pages, served under the Instance admin (``InstanceAdmin.get_urls``)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from core.admin import Route, admin_routes
from instances.business.views import CONTACT_ROUTES as BUSINESS_CONTACT_ROUTES
from instances.business.views import ROUTES as BUSINESS_ROUTES
from instances.views import detail, health, mobile, pairing, queue

# (route under /<pk>/, view, url name suffix): names are "admin:instances_instance_<suffix>".
ROUTES: list[Route] = [
    ("overview/", detail.overview, "overview"),
    ("refresh/", detail.refresh, "refresh"),
    ("rename/", detail.rename, "rename"),
    ("settings/", detail.settings_page, "settings"),
    ("profile/", detail.profile, "profile"),
    ("webhooks/", detail.webhooks, "webhooks"),
    ("restart/", detail.restart, "restart"),
    ("disconnect/", detail.disconnect, "disconnect"),
    ("pairing/", pairing.page, "pairing"),
    ("pairing/qr/", pairing.qr, "pairing_qr"),
    ("pairing/state/", pairing.state, "pairing_state"),
    ("pairing/phone-code/", pairing.phone_code, "pairing_phone_code"),
    ("pairing/queue/", pairing.queue_decision, "pairing_queue"),
    ("queue/", queue.page, "queue"),
    ("queue/rows/", queue.rows, "queue_rows"),
    ("queue/delete/", queue.delete_one, "queue_delete"),
    ("queue/clear/", queue.clear, "queue_clear"),
    ("health/", health.page, "health"),
    ("health/probe/", health.probe_now, "probe"),
    ("mobile/", mobile.page, "mobile"),
    *BUSINESS_ROUTES,
]


def urls(model_admin: Any) -> list[URLPattern]:
    wrap = model_admin.admin_site.admin_view
    patterns = admin_routes(
        model_admin, ROUTES, prefix="<int:object_id>/", name_prefix="instances_instance_"
    )
    patterns += admin_routes(
        model_admin, BUSINESS_CONTACT_ROUTES, prefix="business/", name_prefix="instances_business_"
    )
    patterns.append(
        path(
            "notices/<int:notice_id>/dismiss/",
            wrap(lambda request, notice_id: health.dismiss_notice(request, notice_id)),
            name="instances_instancenotice_dismiss",
        )
    )
    return patterns
