"""The one place that builds ``zapi`` clients from our rows and settings."""

from __future__ import annotations

import httpx
from django.conf import settings

from instances.models import Instance
from zapi.clients.instance import InstanceClient


def timeout() -> httpx.Timeout:
    return httpx.Timeout(
        connect=settings.ZAPI_CONNECT_TIMEOUT,
        read=settings.ZAPI_READ_TIMEOUT,
        write=settings.ZAPI_READ_TIMEOUT,
        pool=settings.ZAPI_CONNECT_TIMEOUT,
    )


def instance_client(instance: Instance, **kwargs: object) -> InstanceClient:
    """A client for ``instance`` against ``settings.ZAPI_BASE_URL`` (the sandbox by default)."""
    kwargs.setdefault("timeout", timeout())
    return InstanceClient(
        settings.ZAPI_BASE_URL,
        instance.zapi_id,
        str(instance.token),
        client_token=str(instance.client_token) or None,
        **kwargs,
    )
