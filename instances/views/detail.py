"""Instance overview, settings, profile, webhooks, restart and disconnect."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from instances.forms import ProfileForm, RenameForm, SettingsForm, WebhooksForm
from instances.models import POINTS_HERE
from instances.selectors import billing_of, connection_badge
from instances.services import (
    instance_details_refresh,
    instance_disconnect,
    instance_profile_update,
    instance_rename,
    instance_restart,
    instance_settings_update,
    instance_webhooks_point_here,
)
from instances.shortcuts import instance_may, scoped_instance
from instances.views.common import audit_outcomes, page_context, show, show_all
from partners.roles import Capability
from zapi.events import WEBHOOK_KINDS


def _back(object_id: int, name: str = "overview") -> HttpResponse:
    return redirect(f"admin:instances_instance_{name}", object_id)


def overview(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id)
    snapshot = instance.settings_snapshot or {}
    key, css = connection_badge(instance)
    context = page_context(request, model_admin, instance, title=_("Instance"), tab="overview")
    context.update(
        badge_key=key,
        badge_css=css,
        billing=billing_of(instance),
        me=instance.own_urls_redacted(snapshot.get("me", {})),
        device=snapshot.get("device", {}),
        device_error=snapshot.get("device_error", ""),
        fetched_at=snapshot.get("fetched_at"),
        rename_form=RenameForm(initial={"name": instance.name}),
        can_operate=instance_may(request, instance, Capability.OPERATE),
        can_pair=instance_may(request, instance, Capability.PAIR),
        can_provision=instance_may(request, instance, Capability.PROVISION),
    )
    return TemplateResponse(request, "instances/overview.html", context)


@require_POST
def refresh(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    show(request, instance_details_refresh(instance=instance))
    return _back(object_id)


@require_POST
def rename(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    form = RenameForm(request.POST)
    if form.is_valid():
        show(request, instance_rename(instance=instance, name=form.cleaned_data["name"]))
    return _back(object_id)


def settings_page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    me = (instance.settings_snapshot or {}).get("me", {})
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            outcomes = instance_settings_update(instance=instance, **form.cleaned_data)
            show_all(request, outcomes)
            audit_outcomes(request, instance, AuditAction.INSTANCE_SETTINGS, outcomes)
            return _back(object_id, "settings")
    else:
        form = SettingsForm(initial=_settings_initial(me))
    profile_form = ProfileForm()
    context = page_context(request, model_admin, instance, title=_("Settings"), tab="settings")
    context.update(form=form, profile_form=profile_form, me=me)
    return TemplateResponse(request, "instances/settings.html", context)


def _settings_initial(me: dict[str, Any]) -> dict[str, Any]:
    return {
        "auto_read_message": bool(me.get("autoReadMessage")),
        "auto_read_status": bool(me.get("autoReadStatus")),
        "call_reject_auto": bool(me.get("callRejectAuto")),
        "call_reject_message": me.get("callRejectMessage") or "",
    }


@require_POST
def profile(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    form = ProfileForm(request.POST)
    if form.is_valid():
        show_all(request, instance_profile_update(instance=instance, **form.cleaned_data))
    return _back(object_id, "settings")


def webhooks(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    if request.method == "POST":
        form = WebhooksForm(request.POST)
        if form.is_valid():
            outcome = instance_webhooks_point_here(
                instance=instance, notify_sent_by_me=form.cleaned_data["notify_sent_by_me"]
            )
            show(request, outcome)
            audit_outcomes(request, instance, AuditAction.INSTANCE_WEBHOOKS, [outcome])
            return _back(object_id, "webhooks")
    me = instance.own_urls_redacted((instance.settings_snapshot or {}).get("me", {}))
    form = WebhooksForm(initial={"notify_sent_by_me": bool(me.get("receiveCallbackSentByMe"))})
    # The path holds the secret: "Point every webhook here" sends it to Z-API; people see it masked.
    ours = instance.webhook_url_masked
    rows = [
        {
            "label": gettext(kind.label),
            "url": me.get(kind.callback_field) or "",
            "ours": me.get(kind.callback_field) == POINTS_HERE,
        }
        for kind in WEBHOOK_KINDS
    ]
    context = page_context(request, model_admin, instance, title=_("Webhooks"), tab="webhooks")
    context.update(
        form=form,
        rows=rows,
        ours=ours,
        fetched_at=(instance.settings_snapshot or {}).get("fetched_at"),
        notify_sent_by_me=me.get("receiveCallbackSentByMe"),
    )
    return TemplateResponse(request, "instances/webhooks.html", context)


def _confirm(
    request: HttpRequest,
    object_id: int,
    model_admin: Any,
    *,
    action: Any,
    audit: AuditAction,
    title: Any,
    warning: Any,
) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.OPERATE)
    if request.method == "POST":
        outcome = action(instance=instance)
        show(request, outcome)
        audit_outcomes(request, instance, audit, [outcome])
        return _back(object_id)
    context = page_context(request, model_admin, instance, title=title, tab="overview")
    context.update(warning=warning)
    return TemplateResponse(request, "instances/confirm.html", context)


def restart(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    return _confirm(
        request,
        object_id,
        model_admin,
        action=instance_restart,
        audit=AuditAction.INSTANCE_RESTART,
        title=_("Restart the instance?"),
        warning=_("Z-API restarts the instance; messages pause for a few seconds."),
    )


def disconnect(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    return _confirm(
        request,
        object_id,
        model_admin,
        action=instance_disconnect,
        audit=AuditAction.INSTANCE_DISCONNECT,
        title=_("Disconnect the phone?"),
        warning=_(
            "The phone is unlinked from Z-API. Nothing is sent until it is paired again "
            "by scanning a QR code."
        ),
    )
