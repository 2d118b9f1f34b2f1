"""The main navigation: one row per entry, shown to people with any of its capabilities at
any partner. An entry for a model's list takes them from that list's admin
(``ScopedAdmin.view_capabilities``, which also decides whether the home page lists it), so
the two cannot disagree; any other page names its own. Read by the ``navigation`` context
processor; an app adds its page with one row here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin
from partners.roles import QUEUE_FIXERS, Capability
from partners.scoping import partners_where, sees_every_partner, user_can


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    needs: tuple[Capability, ...] = ()
    staff_only: bool = False
    # "app_label.Model": the capabilities are that model's admin's view capabilities.
    model: str = ""

    def capabilities(self) -> tuple[Capability, ...]:
        if not self.model:
            return self.needs
        model_admin = admin.site.get_model_admin(apps.get_model(self.model))
        assert isinstance(model_admin, ScopedAdmin), self.model
        return model_admin.view_capabilities()


NAV: list[NavItem] = [
    NavItem("fleet", _("Fleet"), "admin:instances_instance_changelist", model="instances.Instance"),
    NavItem("queue", _("Our queue"), "admin:messaging_queue", QUEUE_FIXERS),
    NavItem("contacts", _("Contacts"), "admin:messaging_contact_changelist",
            model="messaging.Contact"),
    NavItem("campaigns", _("Campaigns"), "admin:messaging_campaign_changelist",
            model="messaging.Campaign"),
    NavItem("events", _("Event log"), "admin:webhooks_webhookevent_changelist",
            model="webhooks.WebhookEvent"),
    # The partner home (provisioning, invoices, numbers); it links the partner's settings.
    NavItem("partners", _("Partner"), "admin:partners_partner_home", (Capability.PROVISION,)),
    NavItem("members", _("Members"), "admin:partners_partner_members",
            (Capability.MANAGE_MEMBERS,)),
    NavItem("audit", _("Audit log"), "admin:audit_auditentry_changelist",
            model="audit.AuditEntry"),
    NavItem("api", _("API"), "api-docs", (Capability.VIEW,)),
    NavItem("sandbox", _("Sandbox"), "admin:sandbox_sandboxinstance_changelist",
            staff_only=True),
]  # fmt: skip


def nav_items(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    items = []
    for item in NAV:
        if item.staff_only and not user.is_staff:
            continue
        needs = item.capabilities()
        if needs and not any(user_can(user, c) for c in needs):
            continue
        url = _url(item, request)
        if url:
            items.append({"key": item.key, "label": item.label, "url": url,
                          "active": request.path.startswith(url)})  # fmt: skip
    return items


def _url(item: NavItem, request: HttpRequest) -> str:
    if item.key == "members":
        # The members page of the one partner the person manages; staff and people who
        # manage several go through the partner list.
        if sees_every_partner(request.user):
            return ""
        ids = partners_where(request.user, Capability.MANAGE_MEMBERS) or set()
        return reverse(item.url_name, args=[next(iter(ids))]) if len(ids) == 1 else ""
    if item.key == "partners":
        # The home of the first partner the person provisions for (it links the others);
        # staff, who see every partner, go to the partner list.
        provisioning = partners_where(request.user, Capability.PROVISION)
        if provisioning is None:
            return reverse("admin:partners_partner_changelist")
        return reverse(item.url_name, args=[min(provisioning)]) if provisioning else ""
    try:
        return reverse(item.url_name)
    except NoReverseMatch:
        return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``fleet_nav`` for templates/admin/base_site.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"fleet_nav": []}
    return {"fleet_nav": nav_items(request)}
