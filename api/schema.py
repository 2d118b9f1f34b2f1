"""The API key in the OpenAPI schema (a bearer token), for the docs' "Authorize" button."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema


class ApiAutoSchema(StandardizedErrorsAutoSchema):
    """Error responses documented per operation (drf-standardized-errors), plus the 400s a
    list gives for a bad ``page_size`` (``api.pagination.StrictPageSize``) or an empty
    filter (``api.filters.StrictFilterSet``)."""

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        extra: dict[str, set[str]] = super()._get_extra_validation_errors()
        if self.method == "GET" and self._is_list_view():
            if self._get_paginator():
                extra.setdefault("page_size", set()).add("invalid")
            filterset = getattr(self.view, "filterset_class", None)
            for name in getattr(filterset, "base_filters", {}):
                # ``api.filters.StrictFilterSet``: empty values, yes/no that are neither
                extra.setdefault(name, set()).update({"blank", "invalid"})
        return extra


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from the dashboard's API keys page: "
            "`Authorization: Bearer <key>`.",
        }


# Query parameters whose empty value means "not given" (the first page, the default order).
_EMPTY_MEANS_DEFAULT = {"cursor", "ordering"}


def filters_need_a_value(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: a text filter needs at least one character, as the filters
    enforce (``api.filters.StrictFilterSet``)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                schema = param.get("schema", {})
                if (
                    param.get("in") == "query"
                    and param["name"] not in _EMPTY_MEANS_DEFAULT
                    and schema.get("type") == "string"
                    and "enum" not in schema
                    and "format" not in schema
                ):
                    schema["minLength"] = 1
    return result
