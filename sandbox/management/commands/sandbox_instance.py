"""``manage.py sandbox_instance --name NAME [--connected]``: create a sandbox instance and
print its id and token as JSON (for scripts, the README and other apps' tests)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.services import sandbox_instance_create
from sandbox.webhooks import webhook_url_error


class Command(BaseCommand):
    help = "Create a sandbox (emulated Z-API) instance and print its id and token as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--connected", action="store_true", help="already paired")
        parser.add_argument("--phone", default="", help="the number it is (or will be) paired to")
        parser.add_argument("--webhook-url", default="", help="every webhook kind goes here")

    def handle(self, *args: Any, **options: Any) -> None:
        error = webhook_url_error(options["webhook_url"])
        if error:
            raise CommandError(error)
        instance = sandbox_instance_create(
            name=options["name"],
            connected=options["connected"],
            phone=options["phone"],
            webhook_url=options["webhook_url"],
        )
        self.stdout.write(
            json.dumps(
                {
                    "id": instance.zapi_id,
                    "token": instance.token,
                    "name": instance.name,
                    "state": instance.state,
                    "phone": instance.phone,
                    "baseUrl": settings.ZAPI_BASE_URL,
                }
            )
        )
