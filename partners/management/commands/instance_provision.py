"""``manage.py instance_provision --partner NAME --name NAME [--mobile] [--standard]
[--session-name S] [--customer NAME]``: create an instance at Z-API with the partner's
integrator token (2-day trial, every webhook pointing here); prints JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.lifecycle import instance_provision
from partners.management.commands._common import partner_named
from partners.models import Customer


class Command(BaseCommand):
    help = "Create an instance at Z-API through the integrator API and print it as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="Partner name.")
        parser.add_argument("--name", required=True, help="Instance name.")
        parser.add_argument("--mobile", action="store_true", help="A mobile instance (isDevice).")
        parser.add_argument(
            "--standard", action="store_true", help="Standard WhatsApp, not Business."
        )
        parser.add_argument("--session-name", default="")
        parser.add_argument("--customer", default="", help="One of the partner's customers.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = partner_named(options["partner"])
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(partner=partner, name=options["customer"]).first()
            if customer is None:
                raise CommandError(f"{partner.name} has no customer {options['customer']!r}.")
        outcome = instance_provision(
            partner=partner,
            name=options["name"],
            session_name=options["session_name"],
            mobile=options["mobile"],
            business=not options["standard"],
            customer=customer,
        )
        if not outcome.ok or outcome.value is None:
            raise CommandError(outcome.text)
        instance = outcome.value
        self.stdout.write(
            json.dumps(
                {
                    "pk": instance.pk,
                    "zapi_id": instance.zapi_id,
                    "name": instance.name,
                    "partner": partner.name,
                    "customer": customer.name if customer else None,
                    "mobile": options["mobile"],
                    "trial_ends_at": instance.due_date.isoformat() if instance.due_date else None,
                    "webhook_url": instance.webhook_url,
                }
            )
        )
