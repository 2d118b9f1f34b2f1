"""Serializer fields whose errors stay on the field itself: a bad item of a list (or a bad
value of a dict) is one error with ``attr`` = the field and the item named in the detail
("item 3: A valid integer is required."), so every ``attr`` an answer carries is one the
schema lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
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
