"""Partner APIs: Z-API integrator on-demand instances (Bearer integrator token, spec 001
"Partners") and the 99digital number-registration API (Bearer access token, spec 003)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from zapi.clients.base import BaseClient
from zapi.endpoints import Scope
from zapi.models import NumberRegistrationResult, PartnerInstanceCreated, PartnerInstancePage


class _BearerClient(BaseClient):
    def __init__(self, base_url: str, token: str, **kwargs: Any) -> None:
        if not token:
            raise ValueError("a token is required")
        super().__init__(base_url, **kwargs)
        self._bearer = token

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, token='***')"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._bearer}"}

    def _secrets(self) -> tuple[str | None, ...]:
        return (self._bearer,)


class PartnerClient(_BearerClient):
    """``PartnerClient(base_url, token)`` with the integrator token."""

    scope: ClassVar[Scope] = "partner"

    def create_instance(self, name: str, **options: Any) -> PartnerInstanceCreated:
        """POST /instances/integrator/on-demand: a 2-day trial ("Partners > Creating an instance").
        ``options`` use the
        spec's names: ``sessionName``, each kind's ``callback_field`` of
        ``zapi.events.WEBHOOK_KINDS`` (``receivedCallbackUrl``...), ``callRejectAuto``,
        ``autoReadMessage``, ``isDevice``, ``businessDevice``...

        Not idempotent: a lost answer may have created (and will bill) an instance."""
        body = {"name": name, **{k: v for k, v in options.items() if v is not None}}
        return PartnerInstanceCreated.model_validate(
            self.call("partner_create_instance", json=body)
        )

    def subscribe(self, instance_id: str, instance_token: str) -> None:
        """Keep the instance after the trial ("Partners > Subscribing to an instance"); answers 201
        "OK"."""
        self._on_demand("partner_subscribe", instance_id, instance_token)

    def cancel(self, instance_id: str, instance_token: str) -> None:
        """Cancel; it stays usable for 30 more days ("Partners > Canceling an instance")."""
        self._on_demand("partner_cancel", instance_id, instance_token)

    def _on_demand(self, name: str, instance_id: str, instance_token: str) -> None:
        path = {"instanceId": instance_id, "token": instance_token}
        self.request(name, path=path, secrets=(instance_token,))

    def list_instances(
        self,
        *,
        page: int = 1,
        page_size: int = 100,
        query: str | None = None,
        middleware: Literal["web", "mobile"] | None = None,
    ) -> PartnerInstancePage:
        """GET /instances?page&pageSize&query&middleware ("Partners > Listing instances")."""
        params = {"page": page, "pageSize": page_size, "query": query, "middleware": middleware}
        return PartnerInstancePage.model_validate(
            self.call("partner_list_instances", query=params) or {}
        )


class NumberRegistrationClient(_BearerClient):
    """``NumberRegistrationClient(base_url, access_token)`` for the 99digital API (spec 003).

    Both calls answer HTTP 200 with ``status: "OK" | "FAIL"`` and a numeric ``reason``;
    check ``result.ok``. Do not request a code more than 3 times (Facebook blocks for 1 h).
    """

    scope: ClassVar[Scope] = "number_registration"

    def register_number(
        self,
        whatsapp: str,
        *,
        method: Literal[1, 2] = 1,
        language: str = "en",
        comment: str | None = None,
    ) -> NumberRegistrationResult:
        """Ask for a code: ``method`` 1 = SMS (recommended), 2 = voice call.

        The doc's table loses the number's field name; the response calls it ``whatsapp``,
        so we send it under that name (digits with country code, no ``+``).
        """
        body: dict[str, Any] = {"whatsapp": whatsapp, "method": method, "language": language}
        if comment:
            body["comment"] = comment
        return NumberRegistrationResult.model_validate(self.call("number_register", json=body))

    def verify_number(self, whatsapp: str, code: str) -> NumberRegistrationResult:
        """Verify the 6-digit code; the answer's ``expiration`` is 90 days out."""
        digits = code.replace("-", "").strip()
        if not (len(digits) == 6 and digits.isdigit()):
            raise ValueError("the code must be 6 digits")
        body = {"whatsapp": whatsapp, "code": digits}
        return NumberRegistrationResult.model_validate(self.call("number_verify", json=body))
