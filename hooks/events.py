"""The events we send to our users' systems: one row per type, every list derives from it
(the endpoint form's choices, the API's enum, the emitters)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

EVENT_TYPES: dict[str, Any] = {
    "message.status": _("A message changed state (sent, delivered, read, failed…)"),
    "message.received": _("A message came in"),
    "instance.connection": _("A number connected or disconnected"),
    "campaign.progress": _("A campaign moved on (started, paused, finished, counts)"),
}
# Sent by the "send a test event" button; every endpoint receives it.
TEST_EVENT = "endpoint.test"
