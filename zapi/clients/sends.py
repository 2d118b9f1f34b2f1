"""Every ``send-*`` the spec documents, through one method of the instance client.

``send(name, **fields)`` builds the body from ``zapi.bodies``: fields named as the spec
names them (``linkUrl``) or the Python way (``link_url``), checked before any request (a
needed field blank, a delay outside 1-15 s, a field that send does not take). Sends are
never retried by the client: a lost answer may still mean Z-API queued the message (see
``MaybeDeliveredError``).
"""

from __future__ import annotations

from typing import Any

from zapi.bodies import (
    DELAY_FIELDS,
    SEND_BODIES,
    delay_valid,
    send_body_missing,
    send_body_unknown,
    spec_name,
)
from zapi.clients.base import BaseClient
from zapi.models import SendResult


class SendsMixin(BaseClient):
    def send(self, name: str, *, path: dict[str, str] | None = None, **fields: Any) -> SendResult:
        """Send ``name`` (a row of ``zapi.bodies.SEND_BODIES``), e.g.
        ``send("send_text", phone="5511...", message="hi", delayMessage=5)``; ``path`` holds
        the path parameters (``send_document``: ``{"extension": "pdf"}``)."""
        if name not in SEND_BODIES:
            raise ValueError(f"{name} is not a send")
        body = {spec_name(name, k): v for k, v in fields.items() if v is not None}
        unknown = send_body_unknown(name, body)
        if unknown:
            raise ValueError(f"{name} does not take {', '.join(unknown)}")
        for key in DELAY_FIELDS:
            if key in body and not delay_valid(body[key]):
                raise ValueError(f"{key} must be 1 to 15 seconds, got {body[key]!r}")
        missing = send_body_missing(name, body)
        if missing:
            raise ValueError(f"{name} needs {', '.join(missing)}")
        return SendResult.model_validate(self.call(name, path=path, json=body))
