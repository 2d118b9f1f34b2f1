from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from core.demo import DEMO_HOOKS
        from partners.demo import demo_reseller

        if demo_reseller not in DEMO_HOOKS:
            DEMO_HOOKS.append(demo_reseller)
