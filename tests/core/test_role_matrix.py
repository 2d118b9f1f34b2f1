"""The tenant x role matrix, generated from the URL resolver (issue 11).

Every route of the dashboard and the API is called as each role of partner A: with partner
B's objects it must answer 404; with A's own objects (or none) it must allow or refuse
exactly as the capability table (``partners.roles.CAPABILITIES``) says for what the route
needs. What a stock admin view needs comes from its ModelAdmin's declared capabilities, an
instance tab's from ``TABS``; every other route is declared in ``NEEDS`` below. A new route
is covered without anyone adding it; a route the generator cannot fill (an unknown
parameter, an undeclared need) fails the test until it is declared here. Never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.models import ApiKey
from audit.models import AuditAction, AuditEntry
from core.admin import ReadOnlyScopedAdmin, ScopedAdmin
from hooks.models import Delivery, Endpoint
from instances.business.models import Collection, Label, Product
from instances.models import Instance, InstanceNotice, NoticeKind
from instances.views.common import TABS
from messaging.campaigns.models import Campaign
from messaging.models import (
    Contact,
    ContactImport,
    ContactList,
    Direction,
    ImportState,
    Message,
    MessagingSettings,
)
from messaging.states import MessageState
from partners.models import (
    Customer,
    Membership,
    Partner,
    RegisteredNumber,
    RegisteredNumberState,
)
from partners.roles import CAPABILITIES, Capability, Role
from tests.factories import InstanceFactory, MembershipFactory, PartnerFactory
from tests.fakes import FakeZapi, install, uninstall
from webhooks.models import ChatPresence, DeadLetter, EventState, WebhookEvent, WebhookReject

pytestmark = pytest.mark.django_db

C = Capability
OPERATE, FIX = (C.OPERATE,), (C.SUPPORT, C.OPERATE)
NOBODY: tuple[Capability, ...] = ()  # no role: staff only

# Routes outside the tenant matrix, and why. Matched against the route's name.
NOT_TENANT: dict[str, str] = {
    "healthz": "public health check",
    "webhooks:receive": "Z-API's webhooks: the secret in the path authenticates",
    "webhooks:receive-kind": "Z-API's webhooks: the secret in the path authenticates",
    "set_language": "anyone may choose a language",
    "api-root": "the API's index, no data",
    "api-schema": "the API's schema, no data",
    "api-docs": "the API's documentation, no data",
    "api-redoc": "the API's documentation, no data",
    "admin:index": "the control room: lists only what the user may open",
    "admin:app_list": "an app's list: lists only what the user may open",
    "admin:login": "login",
    "admin:logout": "logout",
    "admin:password_change": "the user's own password",
    "admin:password_change_done": "the user's own password",
    "admin:jsi18n": "the admin's translations",
    "admin:autocomplete": "scoped by each ModelAdmin's get_queryset (search_fields)",
    "admin:view_on_site": "always 404 (tests/core/test_tenant_leaks.py)",
    "admin:messaging_media": "a signed, expiring link (tests/messaging/test_security.py)",
    "two_factor_enrol": "the user's own second factor (tests/core/test_two_factor.py)",
    "two_factor_verify": "the user's own second factor (tests/core/test_two_factor.py)",
    "two_factor_manage": "the user's own second factor (tests/core/test_two_factor.py)",
    "password_reset_confirm": "an invitation's signed link (tests/partners/test_members.py)",
    "password_reset_complete": "after an invitation's link",
}
NOT_TENANT_PREFIXES = ("sandbox:",)  # the emulator's own API: its tokens authenticate
# Staff-only apps: every role is refused whatever the object.
STAFF_APPS = ("auth", "sandbox", "axes", "otp_totp", "otp_static", "rest_framework_api_key")
# Admins that are not ScopedAdmin: what each of their views needs (None: nobody but staff).
OTHER_ADMINS: dict[str, dict[str, tuple[Capability, ...] | None]] = {
    "admin:hooks_delivery_": {
        "changelist": (C.MANAGE_API_KEYS,),
        "change": (C.MANAGE_API_KEYS,),
        "history": (C.MANAGE_API_KEYS,),
        "add": None,
        "delete": None,
    },
    "admin:apikeys_apikey_": {
        "changelist": (C.MANAGE_API_KEYS,),
        "change": (C.MANAGE_API_KEYS,),
        "history": (C.MANAGE_API_KEYS,),
        "add": (C.MANAGE_API_KEYS,),
        "delete": None,
    },
}

# What each custom route needs (any of these at the object's partner). Instance tabs come
# from TABS; stock admin views from their ModelAdmin.
NEEDS: dict[str, tuple[Capability, ...]] = {
    "admin:instances_instance_refresh": OPERATE,
    "admin:instances_instance_rename": OPERATE,
    "admin:instances_instance_profile": OPERATE,
    "admin:instances_instance_restart": OPERATE,
    "admin:instances_instance_disconnect": OPERATE,
    "admin:instances_instance_pairing_qr": (C.PAIR,),
    "admin:instances_instance_pairing_state": (C.PAIR,),
    "admin:instances_instance_pairing_phone_code": (C.PAIR,),
    "admin:instances_instance_pairing_queue": (C.PAIR,),
    "admin:instances_instance_queue_rows": FIX,
    "admin:instances_instance_queue_delete": FIX,
    "admin:instances_instance_queue_clear": FIX,
    "admin:instances_instance_probe": OPERATE,
    "admin:instances_instance_labels_sync": OPERATE,
    "admin:instances_instance_labels_create": OPERATE,
    "admin:instances_instance_labels_edit": OPERATE,
    "admin:instances_instance_labels_delete": OPERATE,
    "admin:instances_instance_labels_chat": OPERATE,
    "admin:instances_instance_labels_bulk": OPERATE,
    "admin:instances_instance_catalog_sync": OPERATE,
    "admin:instances_instance_catalog_product": OPERATE,
    "admin:instances_instance_catalog_delete": OPERATE,
    "admin:instances_instance_catalog_settings": OPERATE,
    "admin:instances_instance_catalog_collection_new": OPERATE,
    "admin:instances_instance_catalog_collection_edit": OPERATE,
    "admin:instances_instance_catalog_collection_products": OPERATE,
    "admin:instances_instance_company_categories": OPERATE,
    "admin:instances_instancenotice_dismiss": OPERATE,
    "admin:instances_instance_business_copy": OPERATE,
    "admin:instances_business_contacts_label": OPERATE,
    "admin:instances_instance_business_copy_progress": (C.VIEW,),
    "admin:messaging_queue": FIX,
    "admin:messaging_compose": OPERATE,
    "admin:messaging_compose_chat": OPERATE,
    "admin:messaging_conversation": (C.VIEW,),
    "admin:messaging_message_cancel": FIX,
    "admin:messaging_message_retry": FIX,
    "admin:messaging_pace": OPERATE,
    "admin:webhooks_webhookevent_replay": (C.SUPPORT,),
    "admin:webhooks_deadletter_replay": (C.SUPPORT,),
    "admin:partners_partner_mine": (C.PROVISION,),
    "admin:partners_partner_home": (C.PROVISION,),
    "admin:partners_partner_provision": (C.PROVISION,),
    "admin:partners_partner_invoice": (C.PROVISION,),
    "admin:partners_partner_invoice_csv": (C.PROVISION,),
    "admin:partners_partner_sync": (C.PROVISION,),
    "admin:partners_partner_import": (C.PROVISION,),
    "admin:partners_partner_numbers": (C.PROVISION,),
    "admin:partners_partner_number_verify": (C.PROVISION,),
    "admin:partners_partner_number_request": (C.PROVISION,),
    "admin:partners_partner_number_provision": (C.PROVISION,),
    "admin:partners_partner_subscription": (C.PROVISION,),
    "admin:partners_partner_subscribe": (C.PROVISION,),
    "admin:partners_partner_cancel": (C.PROVISION,),
    "admin:partners_partner_customer": (C.PROVISION,),
    "admin:messaging_campaign_progress": (C.VIEW,),
    "admin:messaging_campaign_export": (C.VIEW,),
    "admin:messaging_campaign_action": OPERATE,
    "admin:messaging_campaign_delete": NOBODY,  # a campaign's record stays: it is cancelled
    "admin:messaging_contact_change": (C.VIEW,),  # the contact page replaces the change form
    "admin:messaging_contact_opt_out": OPERATE,
    "admin:messaging_contact_opt_in": OPERATE,
    "admin:messaging_contact_erase": OPERATE,
    "admin:messaging_contact_import_upload": OPERATE,
    "admin:messaging_contact_import": OPERATE,
    "admin:messaging_contact_add": OPERATE,  # one contact by hand (contact_views.contact_add)
    "admin:partners_partner_members": (C.MANAGE_MEMBERS,),
    "admin:partners_partner_member_role": (C.MANAGE_MEMBERS,),
    "admin:partners_partner_member_remove": (C.MANAGE_MEMBERS,),
    "instance-list": (C.VIEW,),
    "instance-detail": (C.VIEW,),
    "instance-state": (C.VIEW,),
    "instance-conversations": (C.VIEW,),
    "instance-conversation": (C.VIEW,),
    "instance-disconnect": OPERATE,
    "instance-restart": OPERATE,
    "instance-instance-settings": OPERATE,
    "instance-phone-code": OPERATE,
    "instance-qr-code": OPERATE,
    "instance-qr-code-base64": OPERATE,
    "instance-webhooks": OPERATE,
    "message-list": (C.VIEW,),
    "message-detail": (C.VIEW,),
    "message-cancel": FIX,
    "message-retry": FIX,
    "webhook-event-list": (C.VIEW,),
    "webhook-event-detail": (C.VIEW,),
    "webhook-event-replay": (C.SUPPORT,),
    "contact-list": (C.VIEW,),
    "contact-detail": (C.VIEW,),
    "contact-bulk-import": OPERATE,
    "contact-opt-in": OPERATE,
    "contact-opt-out": OPERATE,
    "contact-list-list": (C.VIEW,),
    "contact-list-detail": (C.VIEW,),
    "contact-list-members": OPERATE,
    "label-list": (C.VIEW,),
    "label-detail": (C.VIEW,),
    "label-sync": OPERATE,
    "label-chats": OPERATE,
    "partner-list": (C.VIEW,),
    "partner-detail": (C.VIEW,),
    "partner-invoices": (C.PROVISION,),
    "partner-invoice": (C.PROVISION,),
    "partner-usage": (C.PROVISION,),
    "partner-provision": (C.PROVISION,),
    "instance-subscription": (C.PROVISION,),
    "instance-subscribe": (C.PROVISION,),
    "instance-cancel": (C.PROVISION,),
    "instance-company-profile": (C.VIEW,),
    "instance-company-categories": OPERATE,
    "number-list": (C.PROVISION,),
    "number-detail": (C.PROVISION,),
    "number-verify": (C.PROVISION,),
    "number-request-again": (C.PROVISION,),
    "number-limits": (C.PROVISION,),
    "campaign-list": (C.VIEW,),
    "campaign-detail": (C.VIEW,),
    "campaign-preview": (C.VIEW,),
    "campaign-progress": (C.VIEW,),
    "campaign-recipients": (C.VIEW,),
    "campaign-draft-preview": OPERATE,
    "campaign-start": OPERATE,
    "campaign-pause": OPERATE,
    "campaign-resume": OPERATE,
    "campaign-cancel": OPERATE,
    "campaign-duplicate": OPERATE,
    "contact-import-list": OPERATE,
    "contact-import-detail": OPERATE,
    "contact-import-start": OPERATE,
    "contact-import-columns": OPERATE,
    "product-list": (C.VIEW,),
    "product-detail": (C.VIEW,),
    "product-sync": OPERATE,
    "product-cart": OPERATE,
    "collection-list": (C.VIEW,),
    "collection-detail": (C.VIEW,),
    "collection-products": OPERATE,
    "audit-entry-list": (C.AUDIT,),
    "audit-entry-detail": (C.AUDIT,),
}
CHAT_ID = "5511999990001"
# Actions on a row named in the form (a label, a product, a collection): with an empty form
# there is no row and the answer is 404 for everyone; their own tests post real rows.
ROW_IN_FORM = {
    "admin:instances_instance_labels_edit",
    "admin:instances_instance_labels_delete",
    "admin:instances_instance_catalog_delete",
    "admin:instances_instance_catalog_collection_edit",
    "admin:instances_business_contacts_label",
}
# The API's routes by their router basename (the viewset's own, not a guess from the route's
# name: "contact-list-detail" is a list's, not a contact's): the model of their <pk>.
API_MODELS: dict[str, type[Any]] = {
    "instance": Instance,
    "message": Message,
    "webhook-event": WebhookEvent,
    "contact": Contact,
    "contact-list": ContactList,
    "label": Label,
    "partner": Partner,
    "number": RegisteredNumber,
    "campaign": Campaign,
    "contact-import": ContactImport,
    "product": Product,
    "collection": Collection,
    "audit-entry": AuditEntry,
}
# Route parameters that are values, not objects.
PARAM_VALUES = {"chat_id": CHAT_ID, "month": "2027-06", "action": "pause"}


class Undeclared(Exception):
    """A route the generator cannot fill: declare it in this file."""


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: tuple[str, ...]
    basename: str | None = None  # an API route's router basename


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> Iterator[Route]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            space = ns + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            found = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            params = tuple(a or b for a, b in found)
            basename = getattr(pattern.callback, "initkwargs", {}).get("basename")
            yield Route(ns + (pattern.name or ""), route, params, basename)


def routes() -> list[Route]:
    found = []
    for route in _walk(get_resolver()):
        if route.name in NOT_TENANT or route.name.startswith(NOT_TENANT_PREFIXES):
            continue
        if route.name in ("admin:", "") or "format" in route.params:
            continue  # the admin's redirects to change pages; DRF's format suffixes
        found.append(route)
    return found


def _model_admin(name: str) -> tuple[Any, str] | None:
    """(ModelAdmin, view) for a stock admin view's name, "admin:<app>_<model>_<view>"."""
    for model, model_admin in admin.site._registry.items():
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        view = name.removeprefix(base)
        if name.startswith(base) and view in ("changelist", "add", "change", "history", "delete"):
            return model_admin, view
    return None


def _owner_model(name: str) -> type[Any] | None:
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def needs_of(route: Route) -> tuple[Capability, ...] | None:
    """What the route needs, or None for "staff only" (every role refused)."""
    if _staff_only(route):
        return None
    if route.name in NEEDS:
        return NEEDS[route.name]
    tab = route.name.removeprefix("admin:instances_instance_")
    tabs = {key: needs for key, _label, needs in TABS}
    if tab in tabs:
        return tabs[tab]
    stock = _model_admin(route.name)
    for prefix, views in OTHER_ADMINS.items():
        if stock is not None and route.name.startswith(prefix):
            return views[stock[1]]
    if stock is not None and isinstance(stock[0], ScopedAdmin):
        model_admin, view = stock
        if isinstance(model_admin, ReadOnlyScopedAdmin) and view in ("add", "delete"):
            return None
        if model_admin.model is Message and view == "add":
            return None  # messages are composed, never added by hand
        if view in ("changelist", "change", "history"):
            return model_admin.view_capabilities()
        if model_admin.model is Partner:
            return None  # partners are created and deleted by staff only
        return (model_admin.change_capability,)
    raise Undeclared(f"{route.name} ({route.route}): declare what it needs in NEEDS")


# -- the two tenants' objects ------------------------------------------------------------------
def _objects(partner: Partner) -> dict[type[Any], Any]:
    instance = InstanceFactory(partner=partner, name=f"{partner.name} 1")
    endpoint = Endpoint.objects.create(partner=partner, url="https://hooks.example/in")
    event = WebhookEvent.objects.create(
        instance=instance, event_type="X", dedupe_key=f"k-{partner.pk}", payload={"type": "X"},
        state=EventState.DEAD,
    )  # fmt: skip
    return {
        Partner: partner,
        Instance: instance,
        Message: Message.objects.create(
            instance=instance,
            direction=Direction.OUTBOUND,
            kind="text",
            chat_id=CHAT_ID,
            state=MessageState.FAILED,
        ),
        WebhookEvent: event,
        WebhookReject: WebhookReject.objects.create(instance=instance, reason="r", body="{"),
        ChatPresence: ChatPresence.objects.create(
            instance=instance, chat_id=CHAT_ID, status="available", at=timezone.now()
        ),
        InstanceNotice: InstanceNotice.objects.create(
            instance=instance, kind=NoticeKind.values[0], text="t"
        ),
        Membership: MembershipFactory(partner=partner, role=Role.OPERATOR),
        Customer: Customer.objects.create(partner=partner, name=f"{partner.name} customer"),
        AuditEntry: AuditEntry.objects.create(partner=partner, action=AuditAction.PACE_CHANGE),
        ApiKey: ApiKey.objects.create_key(name="k", partner=partner, role=Role.OPERATOR)[0],
        DeadLetter: DeadLetter.objects.create(
            instance=instance,
            event_type="X",
            dedupe_key=f"d-{partner.pk}",
            payload={},
            state=EventState.DEAD,
        ),
        Endpoint: endpoint,
        Delivery: Delivery.objects.create(endpoint=endpoint, event_type="x", payload={}),
        Contact: Contact.objects.create(partner=partner, phone=CHAT_ID, name="Ana"),
        ContactList: ContactList.objects.create(partner=partner, name="Leads"),
        ContactImport: ContactImport.objects.create(
            partner=partner, file_name="a.csv", stored_path="", state=ImportState.DONE
        ),
        MessagingSettings: MessagingSettings.objects.create(partner=partner),
        Campaign: Campaign.objects.create(partner=partner, name="Sale", seed=1),
        Label: Label.objects.create(
            instance=instance, label_id="1", name="Lead", read_at=timezone.now()
        ),
        RegisteredNumber: RegisteredNumber.objects.create(
            partner=partner, whatsapp="5511988887777", state=RegisteredNumberState.VERIFIED
        ),
        Product: Product.objects.create(
            instance=instance, product_id="p1", name="Mouse", read_at=timezone.now()
        ),
        Collection: Collection.objects.create(
            instance=instance, collection_id="c1", name="Mice", read_at=timezone.now()
        ),
    }


PARAM_MODELS: dict[str, type[Any]] = {
    "instance_id": Instance,
    "instance_pk": Instance,
    "message_id": Message,
    "partner_id": Partner,
    "membership_id": Membership,
    "notice_id": InstanceNotice,
    "contact_id": Contact,
    "import_id": ContactImport,
    "campaign_id": Campaign,
    "number_id": RegisteredNumber,
}


def _staff_only(route: Route) -> bool:
    return route.name.startswith(tuple(f"admin:{app}_" for app in STAFF_APPS))


def _url(route: Route, objects: dict[type[Any], Any]) -> str:
    values: dict[str, str] = {}
    for param in route.params:
        if _staff_only(route):
            values[param] = "1"  # refused whatever the object
            continue
        if param in PARAM_VALUES:
            values[param] = PARAM_VALUES[param]
            continue
        model = PARAM_MODELS.get(param)
        if param in ("object_id", "pk"):
            model = _owner_model(route.name) or API_MODELS.get(route.basename or "")
        if model is None or model not in objects:
            raise Undeclared(f"{route.name} ({route.route}): no object for <{param}>; declare it")
        values[param] = str(objects[model].pk)
    path = route.route
    for param, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def _undo_side_effects(objects: dict[type[Any], Any]) -> None:
    """Earlier calls replay the dead letter and retry the failed message: put them back."""
    DeadLetter.objects.filter(pk=objects[DeadLetter].pk).update(state=EventState.DEAD)
    Message.objects.filter(pk=objects[Message].pk).update(state=MessageState.FAILED)


def _call(client: Client, url: str) -> int:
    status = client.get(url).status_code
    if status == 405:
        status = client.post(url, {}).status_code
    return status


@pytest.fixture
def world(db):
    fake = FakeZapi()
    install(fake)
    a, b = PartnerFactory(name="Tenant A"), PartnerFactory(name="Tenant B")
    mine, theirs = _objects(a), _objects(b)
    clients = {}
    for role in Role:
        client = Client(raise_request_exception=False)
        client.force_login(MembershipFactory(partner=a, role=role).user)
        clients[role] = client
    yield mine, theirs, clients
    uninstall()


def test_every_route_answers_each_role_as_the_capability_table_says(world):
    mine, theirs, clients = world
    wrong: list[str] = []
    for route in routes():
        try:
            needs = needs_of(route)
            _url(route, mine)
        except Undeclared as exc:
            wrong.append(str(exc))
            continue
        for role, client in clients.items():
            allowed = needs is not None and any(c in CAPABILITIES[role] for c in needs)
            # B's object is a 404; or the 403 the role gets for this route whatever the
            # object (it may not use the route at all), which says nothing of B's objects.
            if route.params and not _staff_only(route):
                status = _call(client, _url(route, theirs))
                if status != 404 and not (status == 403 and not allowed):
                    wrong.append(f"{role} {route.name} with B's object: {status}, not 404")
            _undo_side_effects(mine)
            status = _call(client, _url(route, mine))
            if status >= 500:
                wrong.append(f"{role} {route.name}: {status}")
            elif allowed and status == 404 and route.name in ROW_IN_FORM:
                pass
            elif allowed and status in (403, 404):
                wrong.append(f"{role} {route.name}: refused ({status}), the table allows it")
            elif not allowed and status not in (403, 404):
                wrong.append(f"{role} {route.name}: {status}, the table refuses it")
    assert not wrong, "\n".join(wrong)
