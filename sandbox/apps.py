from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = _("Sandbox (Z-API emulator)")

    def ready(self) -> None:
        # The demo's living fleet (core.demo.demo_load calls every hook with the partner).
        from core.demo import DEMO_HOOKS
        from sandbox.demo import demo_fleet

        if demo_fleet not in DEMO_HOOKS:
            DEMO_HOOKS.append(demo_fleet)
