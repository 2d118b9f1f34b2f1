"""Serializer fields for the API.

Text fields are strict (``CharField``, ``RegexField``, ``URLField``, ``EmailField``, and the
text columns of ``ModelSerializer``): a number where the schema says string is a 400, as the
schema promises. The list and dict fields keep their errors on the field itself: a bad item
of a list (or a bad value of a dict) is one error with ``attr`` = the field and the item named
in the detail ("item 3: A valid integer is required."), so every ``attr`` an answer carries is
one the schema lists."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
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


class _StrictString:
    """The schema says string, so a number or a boolean is refused ("Not a valid string."),
    not turned into text: DRF's CharField and its subclasses take ``5`` for ``"5"``."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class CharField(_StrictString, serializers.CharField):
    pass


class RegexField(_StrictString, serializers.RegexField):
    pass


class URLField(_StrictString, serializers.URLField):
    pass


class EmailField(_StrictString, serializers.EmailField):
    pass


_M = TypeVar("_M", bound=models.Model)


class ModelSerializer(serializers.ModelSerializer[_M]):
    """A ModelSerializer whose text fields are the strict ones above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.URLField: URLField,
        models.EmailField: EmailField,
    }
