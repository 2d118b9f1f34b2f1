"""Showing secrets without revealing them."""

from __future__ import annotations


def mask(value: str | None, *, visible: int = 4) -> str:
    """``"••••f3a9"``: enough to tell two tokens apart, not enough to use one.

    Short values are masked whole, so a 6-character secret never shows most of itself.
    """
    if not value:
        return ""
    if len(value) < 4 * visible:
        return "••••"
    return "••••" + value[-visible:]


class Secret(str):
    """A str whose ``repr`` is masked, so a secret in a traceback, a debugger or a log of
    ``%r`` shows only its last characters. ``str()`` and formatting give the real value,
    because URLs and headers need it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Secret({mask(self)!r})"
