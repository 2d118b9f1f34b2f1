"""Writes on instances, one module per concern; views, admin actions, commands and tasks call
them through this package (``from instances.services import instance_probe``).

- ``instances``: register, rename, settings, profile, webhooks, restart, disconnect;
- ``connection``: the one place the connection state changes (webhooks and probes);
- ``probes``: ``/status`` probes and their schedule;
- ``pairing``: QR code and phone code;
- ``mobile``: mobile registration (request a code, captcha, confirm, unban, PIN);
- ``remote_queue``: Z-API's own queue of the number;
- ``notices``: every notice and the operators' emails.

Reads are in ``instances.selectors``. Each Z-API call answers an ``instances.outcome.Outcome``.
"""

from instances.services.connection import instance_connection_apply, instance_event_seen
from instances.services.instances import (
    instance_add,
    instance_add_check,
    instance_details_refresh,
    instance_disconnect,
    instance_profile_update,
    instance_rename,
    instance_restart,
    instance_settings_update,
    instance_webhooks_point_here,
)
from instances.services.mobile import (
    Wizard,
    mobile_availability,
    mobile_captcha,
    mobile_confirm_code,
    mobile_confirm_pin,
    mobile_request_code,
    mobile_request_unbanning,
)
from instances.services.notices import (
    instance_action_failed_notice,
    instance_disconnected_email_send,
    instance_notice_create,
    instance_notices_dismiss,
    instance_operator_emails,
)
from instances.services.pairing import (
    QrPicture,
    instance_pairable,
    pairing_phone_code,
    pairing_qr,
    qr_svg,
)
from instances.services.probes import instance_probe, probe_interval, probe_offsets
from instances.services.remote_queue import (
    QueueView,
    zapi_queue_after,
    zapi_queue_clear,
    zapi_queue_count,
    zapi_queue_delete,
    zapi_queue_page,
)

__all__ = [
    "QrPicture",
    "QueueView",
    "Wizard",
    "instance_action_failed_notice",
    "instance_add",
    "instance_add_check",
    "instance_connection_apply",
    "instance_details_refresh",
    "instance_disconnect",
    "instance_disconnected_email_send",
    "instance_event_seen",
    "instance_notice_create",
    "instance_notices_dismiss",
    "instance_operator_emails",
    "instance_pairable",
    "instance_probe",
    "instance_profile_update",
    "instance_rename",
    "instance_restart",
    "instance_settings_update",
    "instance_webhooks_point_here",
    "mobile_availability",
    "mobile_captcha",
    "mobile_confirm_code",
    "mobile_confirm_pin",
    "mobile_request_code",
    "mobile_request_unbanning",
    "pairing_phone_code",
    "pairing_qr",
    "probe_interval",
    "probe_offsets",
    "qr_svg",
    "zapi_queue_after",
    "zapi_queue_clear",
    "zapi_queue_count",
    "zapi_queue_delete",
    "zapi_queue_page",
]
