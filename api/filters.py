"""The base of every resource's filters (django-filter)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (``NumberFilter`` would take 0.5)."""

    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is a 400: "no value" is said by leaving the
    parameter out, so a client that sends ``?state=`` learns it filtered nothing."""

    def is_valid(self) -> bool:
        # A date-time that cannot be one (Python refuses it, or PostgreSQL does: an offset
        # past ±15:59) must be a 400, not an error deeper down: set it aside, then say why.
        data: Any = self.data  # type: ignore[has-type]
        unreadable = []
        for name, spec in self.filters.items():
            raw = data.get(name) if name in data else None
            if isinstance(spec, django_filters.IsoDateTimeFilter) and raw:
                try:
                    moment = parse_datetime(str(raw))
                except ValueError:
                    unreadable.append(name)
                    continue
                offset = moment.utcoffset() if moment is not None else None
                if offset is not None and abs(offset) >= timedelta(hours=16):
                    unreadable.append(name)
        if unreadable:
            data = data.copy()
            for name in unreadable:
                data.pop(name)
            self.data = data
            self.__dict__.pop("_form", None)  # built again from the remaining values
        valid = super().is_valid()
        for name in unreadable:
            self.form.add_error(name, ValidationError(_("Not a date and time."), code="invalid"))
            valid = False
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
        for name, spec in self.filters.items():
            # A yes/no filter that is neither is an error, not "no filter".
            raw = self.data.get(name) if name in self.data else None
            yes_no = isinstance(spec, django_filters.BooleanFilter)
            if yes_no and raw not in (None, "") and str(raw).lower() not in ("true", "false"):
                self.form.add_error(name, ValidationError(_("Say true or false."), code="invalid"))
                valid = False
        return valid
