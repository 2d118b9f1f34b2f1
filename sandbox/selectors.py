"""Reads on the sandbox that the product's pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sandbox.models import SandboxWebhook


@dataclass(frozen=True)
class DeliveryProblem:
    """The sandbox's latest delivery to an instance's webhook URL failed."""

    url: str
    kind: str
    status: int | None
    error: str
    at: datetime
    given_up: bool

    @property
    def host(self) -> str:
        """Where it posts (scheme, host, port): the URL's path holds the webhook secret."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"


def webhook_delivery_problem(*, zapi_id: str) -> DeliveryProblem | None:
    """Why the sandbox's webhooks for ``zapi_id`` do not arrive, if its latest attempted
    delivery failed (a wrong port, a dashboard that is down...); None when it succeeded."""
    row = (
        SandboxWebhook.objects.filter(instance__zapi_id=zapi_id, attempts__gt=0)
        .order_by("-pk")
        .only("url", "kind", "state", "last_status", "last_error", "created_at")
        .first()
    )
    if row is None or row.state == SandboxWebhook.State.DELIVERED:
        return None
    return DeliveryProblem(
        url=row.url,
        kind=row.kind,
        status=row.last_status,
        error=row.last_error,
        at=row.created_at,
        given_up=row.state == SandboxWebhook.State.FAILED,
    )
