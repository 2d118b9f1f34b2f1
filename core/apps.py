from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class FleetAdminConfig(admin_apps.AdminConfig):
    """Makes ``core.admin_site.FleetAdminSite`` the admin site every ``admin.register`` uses."""

    default = False
    default_site = "core.admin_site.FleetAdminSite"


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deploy checks)
