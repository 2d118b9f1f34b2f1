"""The one error contract of services that call Z-API: each returns an :class:`Outcome`
instead of raising, so views need no try/except and the operator always reads what happened.

An outcome says ``ok``, whether trying again may help (``retryable``: tasks retry on it) and a
human sentence (``text``: "Auto-read turned on", "Wrong code: Z-API did not accept it"). The
raw answer (free of secrets) is kept in ``answer`` for a "details" toggle, never as the text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _

from zapi.errors import ZapiError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    ok: bool
    action: str
    text: str
    value: T | None = None
    # The answer as Z-API sent it (already free of secrets), for "what did Z-API say".
    answer: dict[str, Any] = field(default_factory=dict)
    retryable: bool = False
    # The error Z-API's call raised, for callers whose next step depends on what it proves
    # (the dispatcher: "maybe delivered" is not "never sent"). None when ok.
    error: ZapiError | None = None

    def __str__(self) -> str:
        return f"{self.action}: {self.text}"

    def failed_as(self, action: str) -> Outcome[Any]:
        """This failure carried up under the name of the action that failed (its value
        dropped, so the types of the caller's answer hold)."""
        return Outcome(
            ok=False, action=action, text=self.text, retryable=self.retryable, error=self.error
        )


def zapi_error_text(exc: ZapiError) -> str:
    """A short, secret-free sentence for an admin message (no URL: it holds the token path)."""
    status = f"HTTP {exc.status_code} " if exc.status_code is not None else ""
    kind = type(exc).__name__.removesuffix("Error") or "Zapi"
    return _("Z-API error (%(kind)s) %(status)s— %(message)s") % {
        "kind": kind,
        "status": status,
        "message": exc.message or _("no detail"),
    }


def _json(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False, default=str)


def answer_of(value: Any) -> dict[str, Any]:
    if hasattr(value, "model_dump"):
        data = value.model_dump(by_alias=True, exclude_none=True)
        # /me echoes the instance token (spec 001, "Instance > Instance data")
        data.pop("token", None)
        return dict(data)
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "token"}
    return {} if value is None else {"value": value}


def zapi_outcome(
    action: str, call: Callable[[], T], *, ok_text: str = "", refused_text: str = ""
) -> Outcome[T]:
    """Run one Z-API call; a ``ZapiError`` becomes a failed outcome with its text.

    ``ok_text`` says what was done; ``refused_text`` what a ``{"value": false}`` (or
    ``success: false``) answer means for this action."""
    try:
        value = call()
    except ZapiError as exc:
        return Outcome(
            ok=False,
            action=action,
            text=zapi_error_text(exc),
            answer={"error": exc.message, "status": exc.status_code},
            retryable=exc.retryable,
            error=exc,
        )
    answer = answer_of(value)
    if answer.get("value") is False or answer.get("success") is False:
        return Outcome(
            ok=False, action=action, text=refused_text or _("Z-API did not accept it."),
            value=value, answer=answer,
        )  # fmt: skip
    return Outcome(ok=True, action=action, text=ok_text or _("done"), value=value, answer=answer)


def answer_json(outcome: Outcome[Any]) -> str:
    """The raw answer as JSON, for the "details" toggle."""
    return _json(outcome.answer) if outcome.answer else ""
