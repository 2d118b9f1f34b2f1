"""The base of every tenant-owned ModelAdmin: scoped querysets, role-based permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.urls import URLPattern, path

from core.fields import encrypted_fields
from core.secrets import mask
from partners.roles import Capability
from partners.scoping import partners_where, user_can


def _masked_display(name: str, label: Any) -> Any:
    def display(obj: Model) -> str:
        return mask(getattr(obj, name, "")) or "—"

    display.short_description = label  # type: ignore[attr-defined]
    return display


class SecretsMaskedAdmin(admin.ModelAdmin):
    """Encrypted fields are masked whatever their mode. An editable secret is a
    ``SecretField`` (never rendered); a read-only one (a view-only role, or a name in
    ``readonly_names``) is swapped for ``<name>_masked``, a display of its last characters,
    because Django renders a read-only model field's value as it is.

    Subclasses say which fields are read-only through ``readonly_names`` (not
    ``get_readonly_fields``, which applies the swap)."""

    def __init__(self, model: type[Model], admin_site: Any) -> None:
        super().__init__(model, admin_site)
        self.secret_names = {field.name for field in encrypted_fields(model)}
        for field in encrypted_fields(model):
            if not hasattr(self, f"{field.name}_masked"):
                display = _masked_display(field.name, field.verbose_name)
                setattr(self, f"{field.name}_masked", display)

    def _masked(self, name: Any) -> Any:
        return f"{name}_masked" if name in self.secret_names else name

    def readonly_names(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [self._masked(name) for name in self.readonly_names(request, obj)]

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        view_only = obj is not None and not self.has_change_permission(request, obj)
        readonly = set(self.get_readonly_fields(request, obj))

        def swap(name: Any) -> Any:
            if isinstance(name, list | tuple):
                return type(name)(swap(n) for n in name)
            masked = self._masked(name)
            return masked if view_only or masked in readonly else name

        return [
            (title, {**options, "fields": list(dict.fromkeys(swap(n) for n in options["fields"]))})
            for title, options in super().get_fieldsets(request, obj)
        ]


class ScopedAdmin(SecretsMaskedAdmin):
    """Rows come from the partners where the user may see them (``where_user_can``); a
    foreign row is a 404.

    ``view_capability`` (one, or a tuple of which any will do) lets a role see the
    changelist, at the partners where it holds it; ``change_capability`` lets it add, change
    and delete. Staff operators and superusers may do everything. Both read the capability
    table (``partners.roles``), like the navigation and the tabs.
    """

    view_capability: Capability | tuple[Capability, ...] = Capability.VIEW
    change_capability = Capability.OPERATE

    def view_capabilities(self) -> tuple[Capability, ...]:
        caps = self.view_capability
        return caps if isinstance(caps, tuple) else (caps,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model._default_manager.where_user_can(request.user, *self.view_capabilities())

    def _foreign_is_404(self, request: HttpRequest, object_id: str) -> None:
        # The stock views check the permission before the lookup: another tenant's object
        # (or a missing one) is a 404 first, whatever the role; then the 403.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        self._foreign_is_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        self._foreign_is_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        self._foreign_is_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return any(user_can(request.user, c) for c in self.view_capabilities())

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request) or self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_can(request.user, self.change_capability, self._partner_of(obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, self.change_capability)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_can(request.user, self.change_capability, self._partner_of(obj))

    def _partner_of(self, obj: Model | None) -> Any:
        return getattr(obj, "partner", None) if obj is not None else None

    def partner_choices(self, request: HttpRequest) -> QuerySet[Any]:
        """Partners the user may create rows for (for ``partner`` form fields)."""
        from partners.models import Partner

        ids = partners_where(request.user, self.change_capability)
        return Partner.objects.all() if ids is None else Partner.objects.filter(pk__in=ids)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        """A ``partner`` field offers only the user's partners; it is absent from the form of
        a view-only role (nothing is editable), so it is looked for, never assumed."""
        form = super().get_form(request, obj, change=change, **kw)
        if "partner" in form.base_fields:
            form.base_fields["partner"].queryset = self.partner_choices(request)  # type: ignore[attr-defined]
        return form


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Rows written by the product only (events, the audit log): shown, never added,
    edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class SecretInput(forms.PasswordInput):
    """Never renders the stored secret; shows its masked tail as a placeholder."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})}, render_value=False)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if value:
            context["widget"]["attrs"]["placeholder"] = f"{mask(str(value))} (unchanged)"
        return context


class SecretField(forms.CharField):
    """A secret form field: empty on a change form means "keep the current value"."""

    widget = SecretInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)


# A page of an app, served under its ModelAdmin: (route, view, url name suffix). The view is
# called as ``view(request, **url_kwargs, model_admin=model_admin)``.
Route = tuple[str, Callable[..., Any], str]


def admin_routes(
    model_admin: admin.ModelAdmin, routes: list[Route], *, prefix: str, name_prefix: str
) -> list[URLPattern]:
    """URL patterns for ``routes``, each behind the admin's login (``admin_view``), named
    ``admin:<name_prefix><suffix>``."""
    wrap = model_admin.admin_site.admin_view
    patterns = []
    for route, view, name in routes:

        def bound(request: HttpRequest, _view: Callable[..., Any] = view, **kwargs: Any) -> Any:
            return _view(request, **kwargs, model_admin=model_admin)

        patterns.append(path(f"{prefix}{route}", wrap(bound), name=f"{name_prefix}{name}"))
    return patterns
