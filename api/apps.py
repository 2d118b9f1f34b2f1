from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    # Not "api": the admin would put the keys page at /api/apikey/, inside the REST API.
    label = "apikeys"
    verbose_name = _("REST API")

    def ready(self) -> None:
        # The schema's security scheme for API keys (drf-spectacular extension).
        from api import schema  # noqa: F401
