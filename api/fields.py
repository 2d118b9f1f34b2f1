"""Serializer fields whose errors stay on the field itself: a bad item of a list (or a bad
value of a dict) is one error with ``attr`` = the field and the item named in the detail
("item 3: A valid integer is required."), so every ``attr`` an answer carries is one the
schema lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _flat(detail: Any, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        return [m for key, value in detail.items() for m in _flat(value, f"{prefix}{key}: ")]
    if isinstance(detail, list):
        return [m for value in detail for m in _flat(value, prefix)]
    return [f"{prefix}{detail}"]


class FlatListField(serializers.ListField):
    default_error_messages = {"invalid": _("{errors}")}

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            items = {f"item {key}": value for key, value in dict(exc.detail).items()}
            self.fail("invalid", errors="; ".join(_flat(items)))
            raise  # unreachable: fail() raises


class FlatDictField(serializers.DictField):
    default_error_messages = {"invalid": _("{errors}")}

    def run_child_validation(self, data: dict[Any, Any]) -> dict[Any, Any]:
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            self.fail("invalid", errors="; ".join(_flat(exc.detail)))
            raise


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "09:00"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time of a stated time zone ("09:00"): no offset, so not OpenAPI's
    ``format: time`` (RFC 3339 wants one)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)
