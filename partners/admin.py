from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin, SecretField
from core.secrets import mask
from partners.models import Customer, Membership, Partner
from partners.roles import Capability


class MembershipInline(admin.TabularInline):
    """Staff's view of the members; partner admins use the members page (``members``),
    which never lists logins of other partners."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = [
        "name", "instance_count", "max_instances", "integrator_token_masked", "members_link"
    ]  # fmt: skip
    search_fields = ["name"]
    # Partner members (provisioning, billing) and partner admins; operators and support
    # work on numbers and queues, not on the partner itself.
    view_capability = (Capability.PROVISION, Capability.MANAGE_MEMBERS)
    change_capability = Capability.MANAGE_MEMBERS
    inlines = [MembershipInline]
    fields = [
        "name",
        "integrator_token",
        "first_token",
        "max_instances",
        "instance_price",
        "auto_subscribe",
    ]
    # What the partner may not decide for itself: its limits and its Z-API credentials.
    staff_only_fields = ["integrator_token", "first_token", "max_instances"]

    def get_urls(self) -> list[Any]:
        from partners.views import urls as partner_urls

        return [*partner_urls(self), *super().get_urls()]

    @admin.display(description=_("members"))
    def members_link(self, obj: Partner) -> str:
        url = reverse("admin:partners_partner_members", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Members"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        from django.db.models import Count

        return Partner.objects.for_user(request.user).annotate(instance_total=Count("instances"))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kw)
        if "integrator_token" in form.base_fields:
            form.base_fields["integrator_token"] = SecretField(
                label=_("Z-API integrator token"), required=False
            )
        return form

    def readonly_names(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_staff:
            return list(self.readonly_fields)
        return [*self.readonly_fields, *self.staff_only_fields]

    def save_model(self, request: HttpRequest, obj: Partner, form: Any, change: bool) -> None:
        if change and not form.cleaned_data.get("integrator_token"):
            obj.integrator_token = Partner.objects.get(pk=obj.pk).integrator_token
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def _partner_of(self, obj: Any) -> Any:
        return obj

    @admin.display(description=_("instances"), ordering="instance_total")
    def instance_count(self, obj: Any) -> int:
        return int(obj.instance_total)

    @admin.display(description=_("integrator token"))
    def integrator_token_masked(self, obj: Partner) -> str:
        return mask(obj.integrator_token)


@admin.register(Customer)
class CustomerAdmin(ScopedAdmin):
    """A reseller's end customers: partner members (PROVISION) keep them."""

    list_display = ["name", "partner", "resale_price", "instance_count", "email"]
    list_filter = ["partner"]
    search_fields = ["name", "email"]
    fields = ["partner", "name", "resale_price", "email"]
    view_capability = Capability.PROVISION
    change_capability = Capability.PROVISION

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("partner")
            .annotate(instance_total=Count("instances"))
        )

    @admin.display(description=_("instances"), ordering="instance_total")
    def instance_count(self, obj: Any) -> int:
        return int(obj.instance_total)
