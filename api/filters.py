"""The base of every resource's filters (django-filter)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is a 400: "no value" is said by leaving the
    parameter out, so a client that sends ``?state=`` learns it filtered nothing."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if any(str(value).strip() == "" for value in values):
                self.form.add_error(
                    name,
                    ValidationError(_("Give a value, or leave the parameter out."), code="blank"),
                )
                valid = False
        return valid
