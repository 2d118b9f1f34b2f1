"""The mobile registration wizard page (spec 000; spec 001, "Mobile"). The wizard's state
lives in the operator's session, one per instance; each POST runs one step."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from instances.models import Instance
from instances.services import (
    Wizard,
    mobile_availability,
    mobile_captcha,
    mobile_confirm_code,
    mobile_confirm_pin,
    mobile_request_code,
    mobile_request_unbanning,
)
from instances.shortcuts import scoped_instance
from instances.views.common import page_context, show
from partners.roles import Capability
from zapi.clients.instance import REGISTRATION_METHODS

METHOD_LABELS = {"sms": _("SMS"), "voice": _("Voice call"), "wa_old": _("Pop-up in the app")}


def _key(instance: Instance) -> str:
    return f"instances:mobile:{instance.pk}"


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance = scoped_instance(request, object_id, Capability.PAIR)
    wizard = Wizard.load(request.session.get(_key(instance)))
    if request.method == "POST":
        wizard = _step(request, instance, wizard)
        request.session[_key(instance)] = wizard.dump()
        return redirect("admin:instances_instance_mobile", object_id)
    context = page_context(
        request, model_admin, instance, title=_("Mobile registration"), tab="mobile"
    )
    methods = [
        {
            "value": m,
            "label": METHOD_LABELS[m],
            "wait": wizard.waits.get(m, 0),
            "disabled": m == "wa_old" and not wizard.wa_old_eligible,
        }
        for m in REGISTRATION_METHODS
    ]
    context.update(wizard=wizard, methods=methods, retry_after=wizard.retry_after())
    return TemplateResponse(request, "instances/mobile.html", context)


def _step(request: HttpRequest, instance: Instance, wizard: Wizard) -> Wizard:
    data = request.POST
    step = data.get("step", "")
    if step == "reset":
        return Wizard()
    if step == "availability":
        wizard, outcome = mobile_availability(
            instance=instance, ddi=data.get("ddi", ""), phone=data.get("phone", "")
        )
    elif step == "request":
        outcome = mobile_request_code(
            instance=instance,
            wizard=wizard,
            method=data.get("method", "sms"),  # type: ignore[arg-type]
        )
    elif step == "captcha":
        outcome = mobile_captcha(instance=instance, wizard=wizard, answer=data.get("captcha", ""))
    elif step == "code":
        outcome = mobile_confirm_code(instance=instance, wizard=wizard, code=data.get("code", ""))
    elif step == "pin":
        outcome = mobile_confirm_pin(instance=instance, wizard=wizard, pin=data.get("pin", ""))
    elif step == "unban":
        outcome = mobile_request_unbanning(
            instance=instance, wizard=wizard, description=data.get("description", "")
        )
    else:
        return wizard
    show(request, outcome)
    return wizard
