"""The partner pages, served under the Partner admin (``PartnerAdmin.get_urls``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.urls import URLPattern, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import Route, admin_routes
from partners.models import Partner
from partners.views import billing, home, members, numbers, provision, subscription, sync

# (route under /<partner_id>/, view, url name suffix): "admin:partners_partner_<suffix>".
ROUTES: list[Route] = [
    ("home/", home.page, "home"),
    ("new-instance/", provision.page, "provision"),
    ("invoice/", billing.invoice, "invoice"),
    ("invoice/csv/", billing.invoice_csv, "invoice_csv"),
    ("sync/", sync.page, "sync"),
    ("sync/import/", sync.import_one, "import"),
    ("numbers/", numbers.page, "numbers"),
    ("numbers/<int:number_id>/verify/", numbers.verify, "number_verify"),
    ("numbers/<int:number_id>/request/", numbers.request_again, "number_request"),
    ("numbers/<int:number_id>/new-instance/", provision.for_number, "number_provision"),
    ("members/", members.members, "members"),
    ("members/<int:membership_id>/role/", partial(members.member_action, action="role"),
     "member_role"),
    ("members/<int:membership_id>/remove/", partial(members.member_action, action="remove"),
     "member_remove"),
]  # fmt: skip
# Pages of one instance's subscription, under /instance/<instance_id>/.
INSTANCE_ROUTES: list[Route] = [
    ("subscription/", subscription.page, "subscription"),
    ("subscribe/", subscription.subscribe, "subscribe"),
    ("cancel/", subscription.cancel, "cancel"),
    ("customer/", subscription.customer, "customer"),
]
TABS: list[tuple[str, Any]] = [
    ("home", _("Partner home")),
    ("provision", _("New instance")),
    ("invoice", _("Invoices")),
    ("numbers", _("Number registration")),
    ("sync", _("Sync with Z-API")),
]


def partner_tabs(partner: Partner, active: str) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "url": reverse(f"admin:partners_partner_{key}", args=[partner.pk]),
            "active": key == active,
        }
        for key, label in TABS
    ]


def urls(model_admin: Any) -> list[URLPattern]:
    mine: list[Route] = [("home/", home.mine, "mine")]
    return [
        *admin_routes(model_admin, mine, prefix="", name_prefix="partners_partner_"),
        *admin_routes(
            model_admin, ROUTES, prefix="<int:partner_id>/", name_prefix="partners_partner_"
        ),
        *admin_routes(
            model_admin,
            INSTANCE_ROUTES,
            prefix="instance/<int:instance_id>/",
            name_prefix="partners_partner_",
        ),
    ]
