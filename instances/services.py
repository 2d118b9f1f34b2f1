"""Writes on instances. Views, admin actions, commands and tasks call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instances.models import Instance
from partners.models import Partner


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
