"""What the partner commands share: finding the partner by name."""

from __future__ import annotations

from django.core.management.base import CommandError

from partners.models import Partner


def partner_named(name: str) -> Partner:
    try:
        return Partner.objects.get(name=name)
    except Partner.DoesNotExist:
        known = ", ".join(Partner.objects.values_list("name", flat=True)) or "none yet"
        raise CommandError(f"No partner named {name!r} (known: {known}).") from None
