from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        user_locked_out.connect(_lockout_recorded, dispatch_uid="audit-lockout")


def _lockout_recorded(sender: Any, request: Any, username: str, ip_address: str, **_: Any) -> None:
    from audit.models import AuditAction
    from audit.services import audit_record

    audit_record(
        actor=None,
        partner=None,
        action=AuditAction.LOGIN_LOCKOUT,
        target=username or "",
        ip=ip_address,
    )
