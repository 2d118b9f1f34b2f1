"""One small helper on ``instances.outcome``: a failed outcome carried up under the name of
the action that failed (its value dropped, so the types of the caller's answer hold)."""

from __future__ import annotations

from typing import Any

from instances.outcome import Outcome


def failed(outcome: Outcome[Any], action: str) -> Outcome[Any]:
    return Outcome(ok=False, action=action, text=outcome.text, retryable=outcome.retryable)
