from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo partner, its logins and its sandbox fleet (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for login in demo_load():
            self.stdout.write(f"{login.username} / {login.password}  ({login.what})")
