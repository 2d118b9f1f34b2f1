"""Cursor pagination: stable under inserts (new messages and events arrive all the time)
and as fast on page 1000 as on page 1. Each view sets its ``ordering``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class StrictPageSize:
    """A ``page_size`` that is not a whole number from 1 to the maximum is a 400, not
    silently the default (a client should learn its mistake)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return int(self.page_size)  # type: ignore[attr-defined]
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    "page_size": [
                        _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params: list[dict[str, Any]] = super().get_schema_operation_parameters(view)  # type: ignore[misc]
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"].update(minimum=1, maximum=self.max_page_size)
        return params


class NewestFirstCursorPagination(StrictPageSize, CursorPagination):
    ordering = "-pk"
    page_size = 50


class OldestFirstCursorPagination(StrictPageSize, CursorPagination):
    """Timelines read in order (a chat)."""

    ordering = ("created_at", "pk")
    page_size = 50
