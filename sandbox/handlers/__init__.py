"""Handlers of the emulated endpoints, by ``ENDPOINTS`` name. An endpoint without a handler
of its own answers its documented success shape through ``generic``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sandbox.api import Call, Handler
from zapi.endpoints import Endpoint

HANDLERS: dict[str, Handler] = {}
_MODULES = (
    "instance",
    "messages",
    "partner",
    "mobile",
    "registration",
    "business",
    "contacts",
)
_loaded = False


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        for name in names:
            if name in HANDLERS:
                raise RuntimeError(f"two sandbox handlers for {name}")
            HANDLERS[name] = func
        return func

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in _MODULES:
            importlib.import_module(f"sandbox.handlers.{module}")
        _loaded = True


def handler_for(endpoint: Endpoint) -> Handler:
    from sandbox.handlers.generic import generic

    _load()
    return HANDLERS.get(endpoint.name, generic)


__all__ = ["HANDLERS", "Call", "handler_for", "handles"]
