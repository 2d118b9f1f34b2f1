"""One error shape for every error (drf-standardized-errors):
``{"type": "validation_error" | "client_error" | "server_error",
"errors": [{"code": ..., "detail": ..., "attr": ...}]}``.

Services raise Django's ``ValidationError``; it becomes a 400 here, in one place. What Z-API
refused is a 409 (``zapi_refused``); Z-API unreachable or failing is a 502
(``zapi_unavailable``), the only 5xx the API gives on purpose.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError

from instances.outcome import Outcome


class ZapiRefused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "zapi_refused"
    default_detail = _("Z-API refused the request.")


class ZapiUnavailable(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "zapi_unavailable"
    default_detail = _("Z-API could not be reached.")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("The request conflicts with the object's state.")


class ExceptionHandler(BaseExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            if hasattr(exc, "error_dict"):
                return ValidationError(exc.message_dict)
            return ValidationError({"non_field_errors": exc.messages})
        return super().convert_known_exceptions(exc)

    def report_exception(self, exc: APIException, response: Any) -> None:
        # Z-API being down is an upstream state, already logged by ``zapi`` (redacted): not
        # a crash of ours to report with a traceback.
        if isinstance(exc, ZapiUnavailable):
            return
        super().report_exception(exc, response)


def outcome_raise(outcome: Outcome[Any]) -> None:
    """Raise the API's error for a failed ``Outcome``; nothing for a successful one."""
    if outcome.ok:
        return
    error = ZapiUnavailable if outcome.retryable else ZapiRefused
    raise error(detail=str(outcome))


def outcome_body(outcome: Outcome[Any]) -> dict[str, Any]:
    outcome_raise(outcome)
    return {"action": outcome.action, "text": outcome.text, "answer": outcome.answer}


OutcomeSerializer = inline_serializer(
    "ZapiOutcome",
    {
        "action": serializers.CharField(help_text="What was asked of Z-API."),
        "text": serializers.CharField(help_text="Z-API's answer in words."),
        "answer": serializers.DictField(help_text="Z-API's answer as sent (no secrets)."),
    },
)

_ERROR = inline_serializer(
    "ZapiErrorResponse",
    {
        "type": serializers.ChoiceField(choices=["client_error", "server_error"]),
        "errors": inline_serializer(
            "ZapiError",
            {
                "code": serializers.CharField(),
                "detail": serializers.CharField(),
                "attr": serializers.CharField(allow_null=True),
            },
            many=True,
        ),
    },
)
ZAPI_ERRORS: dict[int, OpenApiResponse] = {
    409: OpenApiResponse(_ERROR, description="Z-API refused (code `zapi_refused`)."),
    502: OpenApiResponse(_ERROR, description="Z-API unreachable (code `zapi_unavailable`)."),
}
CONFLICT = {409: OpenApiResponse(_ERROR, description="Conflicts with the object's state.")}


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(_ERROR, description=description)
