from zapi.clients.base import BaseClient
from zapi.clients.instance import InstanceClient, WebhookKind
from zapi.clients.partner import NumberRegistrationClient, PartnerClient

__all__ = [
    "BaseClient",
    "InstanceClient",
    "NumberRegistrationClient",
    "PartnerClient",
    "WebhookKind",
]
