"""``manage.py contacts_import --partner NAME FILE [--list NAME]``: import a CSV or XLSX into
the partner's contacts (columns guessed from their names, as the import page first guesses
them) and print the JSON summary: created, updated, unchanged, invalid rows, duplicates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from messaging.contact_import import contacts_import, mapping_guess, table_read
from messaging.contacts import contact_list_get_or_create
from partners.models import Partner


class Command(BaseCommand):
    help = "Import contacts from a CSV or XLSX file and print a JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--partner", required=True, help="The partner's name.")
        parser.add_argument("--list", dest="list_name", help="Also put the contacts in this list.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = Partner.objects.filter(name=options["partner"]).first()
        if partner is None:
            raise CommandError(_("No partner named %(name)s.") % {"name": options["partner"]})
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            table = table_read(raw, path.name)
            contact_list = (
                contact_list_get_or_create(partner_id=partner.pk, name=options["list_name"])
                if options["list_name"]
                else None
            )
            report = contacts_import(
                partner_id=partner.pk,
                rows=table.rows,
                mapping=mapping_guess(table.headers),
                contact_list_id=contact_list.pk if contact_list else None,
                source_name=_("Import of %(file)s") % {"file": path.name},
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
