"""Writes on instances. Views, admin actions, commands and tasks call these."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from instances.models import Instance, ProbeSource
from instances.outcome import Outcome, zapi_outcome
from instances.services.connection import instance_connection_apply
from instances.zapi import instance_client
from partners.models import Partner
from zapi.times import epoch_time


def instance_add_check(*, partner: Partner, zapi_id: str) -> None:
    """The rules for a new instance, shared by the service and the dashboard's form."""
    if Instance.objects.filter(zapi_id=zapi_id).exists():
        raise ValidationError(
            _("Instance %(zapi_id)s is already registered."), params={"zapi_id": zapi_id}
        )
    if partner.max_instances is not None and partner.instances.count() >= partner.max_instances:
        raise ValidationError(
            _("%(partner)s has reached its limit of %(limit)d instances."),
            params={"partner": partner.name, "limit": partner.max_instances},
        )


@transaction.atomic
def instance_add(
    *,
    partner: Partner,
    zapi_id: str,
    token: str,
    client_token: str = "",
    name: str = "",
    phone: str = "",
) -> Instance:
    """Register an instance that already exists at Z-API (its id and token)."""
    zapi_id, token, client_token = zapi_id.strip(), token.strip(), client_token.strip()
    if not zapi_id or not token:
        raise ValidationError(_("The Z-API instance id and token are both required."))
    # Lock the partner row so two concurrent adds cannot both pass the instance limit.
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    instance_add_check(partner=partner, zapi_id=zapi_id)
    instance = Instance(
        partner=partner,
        zapi_id=zapi_id,
        token=token,
        client_token=client_token,
        name=name.strip() or zapi_id,
        phone=phone.strip(),
    )
    instance.full_clean()
    instance.save()
    return instance


# -- actions at Z-API ------------------------------------------------------------------------
# Each returns an ``Outcome``: what Z-API answered, or its error, for the page to show.


def instance_details_refresh(*, instance: Instance) -> Outcome[dict[str, Any]]:
    """Fetch ``/me`` and ``/device`` (spec 001, "Instance > Cell phone data", "Instance > Instance
    data") into ``settings_snapshot``."""
    client = instance_client(instance)
    me = zapi_outcome(_("Instance data"), client.me)
    if not me.ok:
        return cast(Outcome[dict[str, Any]], me)
    snapshot: dict[str, Any] = {
        "me": instance.own_urls_redacted(me.answer),
        "fetched_at": timezone.now().isoformat(),
    }
    # /device only answers for a connected phone; its error is part of the picture.
    device = zapi_outcome(_("Phone data"), client.device)
    snapshot["device"] = device.answer if device.ok else {}
    snapshot["device_error"] = "" if device.ok else device.text
    changes: dict[str, Any] = {"settings_snapshot": snapshot, "updated_at": timezone.now()}
    if me.answer.get("paymentStatus"):
        changes["payment_status"] = str(me.answer["paymentStatus"])[:40]
    if isinstance(me.answer.get("due"), int | float):
        changes["due_date"] = epoch_time(me.answer["due"])
    Instance.objects.filter(pk=instance.pk).update(**changes)
    if isinstance(me.answer.get("connected"), bool):
        # /me says whether it is connected now: as honest as a probe (spec 001, "Instance > Instance
        # data").
        instance_connection_apply(
            instance_id=instance.pk,
            connected=me.answer["connected"],
            at=timezone.now(),
            source=ProbeSource.PROBE,
        )
    instance.refresh_from_db()
    return Outcome(ok=True, action=me.action, text=_("Refreshed from Z-API."), value=snapshot)


def instance_rename(*, instance: Instance, name: str) -> Outcome[Any]:
    """Rename at Z-API (``/update-name``, spec 001, "Instance > Rename instance") and here when
    Z-API agrees."""
    name = name.strip()
    if not name:
        raise ValidationError(_("A name is required."))
    outcome = zapi_outcome(
        _("Rename"),
        lambda: instance_client(instance).update_name(name),
        ok_text=_("renamed at Z-API."),
        refused_text=_("Z-API did not accept the name."),
    )
    if outcome.ok:
        Instance.objects.filter(pk=instance.pk).update(name=name[:120], updated_at=timezone.now())
        instance.name = name[:120]
    return outcome


# The instance settings (spec 001, "Instance"): form field → (its key in /me, the client's
# method, what people call it).
SETTINGS: dict[str, tuple[str, str, Any]] = {
    "auto_read_message": ("autoReadMessage", "update_auto_read_message", _lazy("Auto-read")),
    "auto_read_status": ("autoReadStatus", "update_auto_read_status", _lazy("Auto-read statuses")),
    "call_reject_auto": ("callRejectAuto", "update_call_reject_auto", _lazy("Call rejection")),
    "call_reject_message": (
        "callRejectMessage",
        "update_call_reject_message",
        _lazy("Call reject message"),
    ),
}


def instance_settings_update(*, instance: Instance, **values: Any) -> list[Outcome[Any]]:
    """Send the settings that differ from what Z-API last told us (``/me``): one call each,
    nothing for the unchanged ones. A blank call-reject message is not sent."""
    me = (instance.settings_snapshot or {}).get("me", {})
    client = instance_client(instance)
    outcomes: list[Outcome[Any]] = []
    applied: dict[str, Any] = {}
    for field, value in values.items():
        key, method, label = SETTINGS[field]
        value = value.strip() if isinstance(value, str) else bool(value)
        if value == "" or (key in me and me[key] == value):
            continue
        outcome = zapi_outcome(
            str(label),
            partial(getattr(client, method), value),
            ok_text=_setting_text(value),
        )
        outcomes.append(outcome)
        if outcome.ok:
            applied[key] = value
    if applied:
        _snapshot_merge(instance, applied)
    if not outcomes:
        outcomes.append(Outcome(ok=True, action=_("Settings"), text=_("Nothing changed.")))
    return outcomes


def _setting_text(value: Any) -> str:
    if value is True:
        return _("turned on")
    if value is False:
        return _("turned off")
    return _("saved")


def instance_profile_update(
    *, instance: Instance, name: str = "", description: str = "", picture_url: str = ""
) -> list[Outcome[Any]]:
    """Profile name, description ("about") and picture (spec 001, "Instance"); blanks skipped."""
    client = instance_client(instance)
    outcomes: list[Outcome[Any]] = []
    if name.strip():
        outcomes.append(
            zapi_outcome(
                _("Profile name"),
                lambda: client.update_profile_name(name.strip()),
                ok_text=_("saved"),
            )
        )
    if description.strip():
        outcomes.append(
            zapi_outcome(
                _("Profile description"),
                lambda: client.update_profile_description(description.strip()),
                ok_text=_("saved"),
            )
        )
    if picture_url.strip():
        outcomes.append(
            zapi_outcome(
                _("Profile picture"),
                lambda: client.update_profile_picture(picture_url.strip()),
                ok_text=_("saved"),
            )
        )
    return outcomes


def _snapshot_merge(instance: Instance, values: dict[str, Any]) -> None:
    """Keep what Z-API accepted in the ``/me`` snapshot (a refresh shows the whole truth)."""
    with transaction.atomic():
        row = Instance.objects.select_for_update().get(pk=instance.pk)
        snapshot = dict(row.settings_snapshot or {})
        snapshot["me"] = {**snapshot.get("me", {}), **values}
        Instance.objects.filter(pk=instance.pk).update(settings_snapshot=snapshot)
        instance.settings_snapshot = snapshot


def instance_webhooks_point_here(
    *, instance: Instance, notify_sent_by_me: bool | None = None
) -> Outcome[Any]:
    """Point every webhook at ``instance.webhook_url`` (``/update-every-webhooks``, spec 001
    "Webhooks > Update all webhooks"), then read ``/me`` back so the page shows what Z-API has
    now."""
    url = instance.webhook_url
    outcome = zapi_outcome(
        _("Point webhooks here"),
        lambda: instance_client(instance).update_every_webhooks(
            url, notify_sent_by_me=notify_sent_by_me
        ),
        ok_text=_("Every webhook now points at this dashboard."),
    )
    if outcome.ok:
        instance_details_refresh(instance=instance)
    return outcome


def instance_restart(*, instance: Instance) -> Outcome[Any]:
    """``/restart`` (spec 001, "Instance > Restart instance"): a GET with side effects, never
    retried."""
    return zapi_outcome(
        _("Restart"),
        instance_client(instance).restart,
        ok_text=_("Z-API is restarting the instance."),
    )


def instance_disconnect(*, instance: Instance) -> Outcome[Any]:
    """``/disconnect`` (spec 001, "Instance > Disconnect"): unpairs the phone; it must be paired
    again."""
    outcome = zapi_outcome(
        _("Disconnect"),
        instance_client(instance).disconnect,
        ok_text=_("the phone is unlinked."),
    )
    if outcome.ok:
        # The DisconnectedCallback will follow; apply now so the page is honest at once.
        instance_connection_apply(
            instance_id=instance.pk,
            connected=False,
            at=timezone.now(),
            source=ProbeSource.PROBE,
            error=_("Disconnected from the dashboard."),
        )
    return outcome
