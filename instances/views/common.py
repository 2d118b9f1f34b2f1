"""What every instance page shares: the scoped lookup, the tabs, showing Z-API's answers."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from instances.models import Instance
from instances.outcome import Outcome, answer_json
from partners.roles import Capability
from partners.scoping import user_can

_OPERATE = (Capability.OPERATE,)
# Each tab with the capabilities (any of them, at the instance's partner) its page needs: a
# person sees only the tabs they can use. tests/core/test_navigation_by_role.py holds each
# page to this table.
TABS: list[tuple[str, Any, tuple[Capability, ...]]] = [
    ("overview", _("Overview"), (Capability.VIEW,)),
    ("pairing", _("Pairing"), (Capability.PAIR,)),
    ("settings", _("Settings"), _OPERATE),
    ("webhooks", _("Webhooks"), _OPERATE),
    ("queue", _("Z-API queue"), (Capability.SUPPORT, Capability.OPERATE)),
    ("health", _("Health"), (Capability.VIEW,)),
    ("mobile", _("Mobile registration"), (Capability.PAIR,)),
    ("labels", _("Labels"), (Capability.VIEW,)),
    ("catalog", _("Catalog"), (Capability.VIEW,)),
    ("company", _("Company profile"), (Capability.VIEW,)),
    ("compose", _("Send a message"), _OPERATE),
    ("edit", _("Edit"), _OPERATE),
]
# The WhatsApp Business tabs: disabled, with the reason, on a number that is not business.
BUSINESS_TABS = frozenset({"labels", "catalog", "company"})
# Tabs served by other apps' pages, by URL name.
TAB_URL_NAMES = {"edit": "admin:instances_instance_change", "compose": "admin:messaging_compose"}


def instance_tabs(instance: Instance, active: str, user: Any) -> list[dict[str, Any]]:
    from instances.business.selectors import business_status

    business = business_status(instance)
    tabs = []
    for key, label, needs in TABS:
        if not any(user_can(user, c, instance.partner) for c in needs):
            continue
        name = TAB_URL_NAMES.get(key, f"admin:instances_instance_{key}")
        off = key in BUSINESS_TABS and not business.enabled
        tabs.append(
            {
                "label": label,
                "url": reverse(name, args=[instance.pk]),
                "active": key == active,
                "disabled": business.reason if off else "",
            }
        )
    return tabs


def page_context(
    request: HttpRequest, model_admin: Any, instance: Instance, *, title: Any, tab: str
) -> dict[str, Any]:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Instance._meta,
        "original": instance,
        "instance": instance,
        "title": title,
        "subtitle": instance.name,
        "tabs": instance_tabs(instance, tab, request.user),
        "media": model_admin.media,
        "delivery_problem": _sandbox_delivery_problem(instance),
    }


def _sandbox_delivery_problem(instance: Instance) -> Any:
    """When the built-in sandbox plays Z-API, why its webhooks do not reach us (if so)."""
    if not apps.is_installed("sandbox"):
        return None
    from sandbox.selectors import webhook_delivery_problem

    return webhook_delivery_problem(zapi_id=instance.zapi_id)


def show(request: HttpRequest, outcome: Outcome[Any]) -> None:
    """Tell the operator what happened, in words (an admin message); Z-API's raw answer sits
    behind a "details" toggle."""
    level = messages.SUCCESS if outcome.ok else messages.ERROR
    raw = answer_json(outcome)
    if not raw:
        messages.add_message(request, level, str(outcome))
        return
    text = format_html(
        '{} <details class="zapi-details"><summary>{}</summary><code>{}</code></details>',
        str(outcome),
        _("details"),
        raw,
    )
    messages.add_message(request, level, text)


def audit_outcomes(
    request: HttpRequest,
    instance: Instance,
    action: AuditAction,
    outcomes: list[Outcome[Any]],
    **details: Any,
) -> None:
    """One audit row for what a person did to ``instance`` from a page, with Z-API's answers
    in words (never the raw answer: it may carry our webhook URLs)."""
    if not outcomes:
        return
    # A bulk action may give hundreds of answers: the row keeps the failures first, a few.
    ordered = sorted(outcomes, key=lambda o: o.ok)
    said = [str(o) for o in ordered[:AUDIT_SAID_MAX]]
    if len(ordered) > AUDIT_SAID_MAX:
        said.append(_("… and %(n)d more.") % {"n": len(ordered) - AUDIT_SAID_MAX})
    audit_record(
        actor=request.user,
        partner=instance.partner,
        action=action,
        target=str(instance),
        instance=instance,
        ip=request_ip(request),
        details={
            **details,
            "ok": all(o.ok for o in outcomes),
            "done": sum(o.ok for o in outcomes),
            "said": said,
        },
    )


AUDIT_SAID_MAX = 20


def show_all(request: HttpRequest, outcomes: list[Outcome[Any]]) -> None:
    for outcome in outcomes:
        show(request, outcome)
