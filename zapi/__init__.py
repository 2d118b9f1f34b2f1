"""Plain-Python Z-API client: endpoints as data, typed clients, one error tree, webhook
events. No Django here (DESIGN.md: ``zapi`` knows nothing of Django)."""

from zapi.clients import InstanceClient, NumberRegistrationClient, PartnerClient
from zapi.endpoints import (
    ENDPOINTS,
    ENDPOINTS_BY_NAME,
    INSTANCE_PREFIX,
    NUMBER_REGISTRATION_BASE_URL,
    ZAPI_BASE_URL,
    Endpoint,
)
from zapi.errors import (
    AuthError,
    ClientTokenError,
    HttpError,
    IpNotAllowedError,
    MaybeDeliveredError,
    MethodNotAllowedError,
    NeverSentError,
    NotConnectedError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnsupportedMediaTypeError,
    ValidationError,
    ZapiError,
)
from zapi.redaction import redact, redact_text, redact_url
from zapi.transport import DEFAULT_TIMEOUT, close_shared_http_client, shared_http_client

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENDPOINTS",
    "ENDPOINTS_BY_NAME",
    "INSTANCE_PREFIX",
    "NUMBER_REGISTRATION_BASE_URL",
    "ZAPI_BASE_URL",
    "AuthError",
    "ClientTokenError",
    "Endpoint",
    "HttpError",
    "InstanceClient",
    "IpNotAllowedError",
    "MaybeDeliveredError",
    "MethodNotAllowedError",
    "NeverSentError",
    "NotConnectedError",
    "NotFoundError",
    "NumberRegistrationClient",
    "PartnerClient",
    "RateLimitedError",
    "ServerError",
    "TransportError",
    "UnsupportedMediaTypeError",
    "ValidationError",
    "ZapiError",
    "close_shared_http_client",
    "redact",
    "redact_text",
    "redact_url",
    "shared_http_client",
]
