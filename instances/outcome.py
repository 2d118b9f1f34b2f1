"""What Z-API answered, in a form every page can show: each action returns an
:class:`Outcome` instead of raising, so the operator always sees the answer or the error."""

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

    def __str__(self) -> str:
        return f"{self.action}: {self.text}"


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
        data.pop("token", None)  # /me echoes the instance token (spec 001 l.960)
        return dict(data)
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "token"}
    return {} if value is None else {"value": value}


def zapi_outcome(action: str, call: Callable[[], T], *, ok_text: str = "") -> Outcome[T]:
    """Run one Z-API call; a ``ZapiError`` becomes a failed outcome with its text."""
    try:
        value = call()
    except ZapiError as exc:
        return Outcome(
            ok=False,
            action=action,
            text=zapi_error_text(exc),
            answer={"error": exc.message, "status": exc.status_code},
            retryable=exc.retryable,
        )
    answer = answer_of(value)
    if answer.get("value") is False or answer.get("success") is False:
        return Outcome(
            ok=False, action=action, text=_("Z-API answered %(a)s") % {"a": _json(answer)},
            value=value, answer=answer,
        )  # fmt: skip
    return Outcome(
        ok=True,
        action=action,
        text=ok_text or (_("Z-API answered %(a)s") % {"a": _json(answer)} if answer else _("done")),
        value=value,
        answer=answer,
    )
