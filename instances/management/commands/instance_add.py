"""``manage.py instance_add --zapi-id ID --token TOKEN [--client-token T] [--partner NAME]
[--name NAME]``: register an instance that exists at Z-API; prints JSON (pk, webhook_url)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from instances.services import instance_add
from partners.models import Partner


class Command(BaseCommand):
    help = "Register an existing Z-API instance and print its webhook URL as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--zapi-id", required=True)
        parser.add_argument("--token", required=True)
        parser.add_argument("--client-token", default="")
        parser.add_argument(
            "--partner",
            help="Partner name. May be left out when exactly one partner exists.",
        )
        parser.add_argument("--name", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = self._partner(options["partner"])
        try:
            instance = instance_add(
                partner=partner,
                zapi_id=options["zapi_id"],
                token=options["token"],
                client_token=options["client_token"],
                name=options["name"],
                phone=options["phone"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "pk": instance.pk,
                    "zapi_id": instance.zapi_id,
                    "name": instance.name,
                    "partner": partner.name,
                    "webhook_url": instance.webhook_url,
                }
            )
        )

    def _partner(self, name: str | None) -> Partner:
        if name:
            try:
                return Partner.objects.get(name=name)
            except Partner.DoesNotExist:
                known = ", ".join(Partner.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No partner named {name!r} (known: {known}).") from None
        partners = list(Partner.objects.all()[:2])
        if len(partners) == 1:
            return partners[0]
        if not partners:
            raise CommandError("No partner exists yet: create one first or pass --partner.")
        raise CommandError("Several partners exist: say which with --partner NAME.")
