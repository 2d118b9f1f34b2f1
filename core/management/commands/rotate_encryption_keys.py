"""Re-encrypt every secret with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (keep the old ones after it), deploy, run this command, then
drop the old keys. Rows are rewritten in batches, each in its own transaction.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.fields import encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            names = [f.attname for f in fields]
            # ``values_list`` still decrypts through the field, which is what we want:
            # saving the plaintext back encrypts it with the first key.
            pks = list(model._default_manager.values_list("pk", flat=True))
            for start in range(0, len(pks), 500):
                with transaction.atomic():
                    rows = model._default_manager.select_for_update().filter(
                        pk__in=pks[start : start + 500]
                    )
                    for row in rows.values("pk", *names):
                        model._default_manager.filter(pk=row["pk"]).update(
                            **{name: row[name] for name in names}
                        )
                        total += 1
            self.stdout.write(f"{model._meta.label}: {len(pks)} rows")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows."))
