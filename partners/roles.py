"""What each role may do. One table, read by the admin, the views and the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    SUPPORT = "support", _("Support")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_MEMBER = "partner_member", _("Partner member")


class Capability(models.TextChoices):
    VIEW = "view", _("See the partner's instances, messages and events")
    OPERATE = "operate", _("Pair, restart, configure instances; send messages and campaigns")
    SUPPORT = "support", _("Inspect and fix queues and events (replay, cancel, retry)")
    # Pairing is where a provisioned instance goes next: partner members pair what they create.
    PAIR = "pair", _("Pair numbers (QR code, phone code, mobile registration)")
    PROVISION = "provision", _("Create, subscribe and cancel instances; register numbers")
    MANAGE_MEMBERS = "manage_members", _("Manage the partner's members")
    MANAGE_API_KEYS = "manage_api_keys", _("Create and revoke the partner's API keys")
    AUDIT = "audit", _("Read the partner's audit log")


# Who may fix a number's queues (cancel, retry, pace; Z-API's queue): either capability.
QUEUE_FIXERS: tuple[Capability, ...] = (Capability.SUPPORT, Capability.OPERATE)

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.OPERATOR: frozenset({Capability.VIEW, Capability.OPERATE, Capability.PAIR}),
    Role.SUPPORT: frozenset({Capability.VIEW, Capability.SUPPORT, Capability.AUDIT}),
    Role.PARTNER_ADMIN: frozenset(Capability),
    Role.PARTNER_MEMBER: frozenset({Capability.VIEW, Capability.PROVISION, Capability.PAIR}),
}
