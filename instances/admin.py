"""The fleet list (the Instance changelist), the add/change forms and the instance pages,
wired through ``InstanceAdmin.get_urls``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin
from core.secrets import mask
from instances.forms import InstanceAddForm, InstanceChangeForm
from instances.models import Instance, SubscriptionState
from instances.selectors import (
    FLEET_STATES,
    SUBSCRIPTION_FLEET_STATES,
    billing_of,
    connection_badge,
    fleet_queryset,
    fleet_state_q,
    open_notices,
    pending_page_ids,
    subscription_states_known,
    uptime_by_instance,
)
from instances.services import instance_add
from instances.svg import uptime_strip
from instances.tasks import instance_probe_task, instance_restart_task, instance_webhooks_point_task
from instances.views import urls as instance_urls
from partners.roles import Capability
from partners.scoping import partners_where, user_can


def _subscription_states(request: HttpRequest, model_admin: Any) -> list[str]:
    """``subscription_states_known`` of the user's instances, once per request."""
    if not hasattr(request, "_subscription_states"):
        queryset = Instance.objects.for_user(request.user)
        request._subscription_states = subscription_states_known(queryset)  # type: ignore[attr-defined]
    return list(request._subscription_states)  # type: ignore[attr-defined]


class FleetStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        known = bool(_subscription_states(request, model_admin))
        return [
            (key, label)
            for key, label in FLEET_STATES.items()
            if known or key not in SUBSCRIPTION_FLEET_STATES
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in FLEET_STATES:
            return queryset.filter(fleet_state_q(value))
        return queryset


class SubscriptionFilter(admin.SimpleListFilter):
    """The subscription states present among the user's instances (none: no filter)."""

    title = _("subscription")
    parameter_name = "subscription_state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        present = set(_subscription_states(request, model_admin))
        return [(value, label) for value, label in SubscriptionState.choices if value in present]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(subscription_state=value) if value else queryset


class FleetPartnerFilter(admin.RelatedOnlyFieldListFilter):
    """The partners the user sees instances of: one EXISTS per partner (an index probe on
    the instance's partner), not a DISTINCT over every instance of the fleet."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        rows = model_admin.get_queryset(request).filter(partner=OuterRef("pk"))
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to=Q(Exists(rows)), ordering=ordering
        )


# What the fleet list never shows: secrets (each a decrypt per row) and Z-API's settings.
LIST_DEFERRED = [
    "token",
    "client_token",
    "webhook_secret",
    "settings_snapshot",
    "partner__integrator_token",
    "partner__number_registration_token",
]


class FleetChangeList(ChangeList):
    """After the page's rows are fetched, one more query draws every row's uptime strip.

    Sorted by our queue, the page's ids come first from narrow queries over the waiting
    messages' partial index (``pending_page_ids``), and only those rows are read whole;
    the correlated count of ``fleet_queryset`` would run once per instance to sort them."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        return super().get_queryset(request, exclude_parameters).defer(*LIST_DEFERRED)

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        page = self.result_list
        order = [str(o) for o in page.query.order_by]
        if any(o.lstrip("-") == "pending_count" for o in order):
            # one page or all of a short list alike, so the queries are the same at any size
            low, high = page.query.low_mark, page.query.high_mark
            ids = pending_page_ids(self.queryset, order, low, high)
            page = self.queryset.order_by(*order).filter(pk__in=ids)
        rows = list(page)
        uptime = uptime_by_instance(instance_ids=[row.pk for row in rows])
        for row in rows:
            row.uptime_hours = uptime[row.pk]
        self.result_list = rows


@admin.register(Instance)
class InstanceAdmin(ScopedAdmin):
    list_display = [
        "state_badge",
        "name_link",
        "phone",
        "partner",
        "zapi_queue",
        "pending",
        "last_event",
        "billing",
        "uptime",
    ]
    list_display_links = None
    # Only partners the user sees rows of: the stock filter lists every partner's name.
    list_filter = [
        FleetStateFilter, SubscriptionFilter, ("partner", FleetPartnerFilter)
    ]  # fmt: skip
    search_fields = ["name", "zapi_id", "phone", "partner__name"]
    list_per_page = 100
    # Counting every row twice is the slowest part of a big changelist: count once.
    show_full_result_count = False
    actions = ["refresh_status", "restart", "point_webhooks_here"]
    readonly_fields = ["zapi_id", "token_masked", "webhook_url", "created_at", "updated_at"]
    change_list_template = "admin/instances/instance/change_list.html"
    change_form_template = "admin/instances/instance/change_form.html"

    class Media:
        css = {"all": ["instances/instances.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return fleet_queryset(super().get_queryset(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """``search_fields``, each word in any of them (the stock meaning), with the partner's
        name matched first on the partners' table: every condition is then on the instance's
        own columns, which the trigram indexes (migration 0009) and the partner index answer,
        where the stock join to partners made PostgreSQL read the whole fleet."""
        from partners.models import Partner

        own = [field for field in self.search_fields if field != "partner__name"]
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            match = Q()
            for field in own:
                match |= Q(**{f"{field}__icontains": bit})
            partners = Partner.objects.filter(name__icontains=bit).values_list("pk", flat=True)
            if ids := list(partners):
                match |= Q(partner_id__in=ids)
            queryset = queryset.filter(match)
        return queryset, False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return FleetChangeList

    def get_urls(self) -> list[URLPattern]:
        return [*instance_urls(self), *super().get_urls()]

    # -- the fleet list's columns ------------------------------------------------------
    def action_checkbox(self, obj: Instance) -> SafeString:
        """The stock checkbox, as the same tag formatted: the stock one renders a form
        widget's template per row, a third of the page's rendering at 100 rows."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("state"), ordering="connection_state")
    def state_badge(self, obj: Instance) -> str:
        key, css = connection_badge(obj)
        flag = ""
        if obj.probe_mismatch_since is not None:
            flag = format_html(
                ' <span class="fleet-flag" title="{}">⚑</span>',
                _("Webhooks said connected, but a status probe found it down."),
            )
        return format_html('<span class="badge {}">{}</span>{}', css, FLEET_STATES[key], flag)

    @admin.display(description=_("name"), ordering="name")
    def name_link(self, obj: Instance) -> str:
        url = reverse("admin:instances_instance_overview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.name)

    @admin.display(description=_("Z-API q."), ordering="zapi_queue_size")
    def zapi_queue(self, obj: Instance) -> str:
        return "—" if obj.zapi_queue_size is None else str(obj.zapi_queue_size)

    @admin.display(description=_("our q."), ordering="pending_count")
    def pending(self, obj: Instance) -> int:
        return int(getattr(obj, "pending_count", 0))

    @admin.display(description=_("last event"), ordering="last_event_at")
    def last_event(self, obj: Instance) -> str:
        seen = max(
            (t for t in (obj.last_event_at, obj.connection_changed_at) if t is not None),
            default=None,
        )
        if seen is None:
            return "—"
        return format_html(
            '<span title="{}">{}</span>',
            timezone.localtime(seen).strftime("%Y-%m-%d %H:%M:%S"),
            _("%(ago)s ago") % {"ago": _short_delta(timezone.now() - seen)},
        )

    @admin.display(description=_("due"), ordering="due_date")
    def billing(self, obj: Instance) -> str:
        info = billing_of(obj)
        if info.key == "expired":
            return format_html('<span class="badge badge-bad">{}</span>', FLEET_STATES["expired"])
        if info.key == "trial":
            left = _short_delta(info.left) if info.left is not None else "?"
            return format_html(
                '<span class="badge badge-warn">{}</span> {}',
                FLEET_STATES["trial"],
                _("%(left)s left") % {"left": left},
            )
        if info.due is None:
            return "—"
        return timezone.localtime(info.due).strftime("%Y-%m-%d")

    @admin.display(description=_("24 h"))
    def uptime(self, obj: Instance) -> str:
        hours = getattr(obj, "uptime_hours", None)
        return uptime_strip(hours) if hours is not None else ""

    # -- bulk actions: each enqueues one task per instance after commit ------------------
    def _enqueue(self, request: HttpRequest, queryset: QuerySet[Any], send: Any) -> int:
        operable = partners_where(request.user, Capability.OPERATE)
        ids = [
            pk
            for pk, partner_id in queryset.values_list("pk", "partner_id")
            if operable is None or partner_id in operable
        ]
        for pk in ids:
            send(pk)
        return len(ids)

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Capability.OPERATE)

    @admin.action(description=_("Refresh status from Z-API"), permissions=["operate"])
    def refresh_status(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        n = self._enqueue(request, queryset, _after_commit(instance_probe_task))
        self.message_user(request, _queued(n, _("status refresh")), messages.INFO)

    @admin.action(description=_("Restart at Z-API"), permissions=["operate"])
    def restart(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        n = self._enqueue(request, queryset, _after_commit(instance_restart_task))
        self.message_user(request, _queued(n, _("restart")), messages.INFO)

    @admin.action(description=_("Point every webhook here"), permissions=["operate"])
    def point_webhooks_here(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        send = _after_commit(instance_webhooks_point_task, None)
        n = self._enqueue(request, queryset, send)
        self.message_user(request, _queued(n, _("webhook update")), messages.INFO)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            "title": _("Fleet"),
            **(extra_context or {}),
            "notices": open_notices(user=request.user),
        }
        return super().changelist_view(request, extra_context)

    # -- add and change forms ----------------------------------------------------------------
    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        kw["form"] = InstanceChangeForm if obj is not None else InstanceAddForm
        return super().get_form(request, obj, change=change, **kw)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return list(InstanceAddForm.Meta.fields)
        return [*InstanceChangeForm.Meta.fields, *self.readonly_fields]

    def readonly_names(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        from instances.views.common import instance_tabs

        response = super().change_view(request, object_id, form_url, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data:
            original = response.context_data.get("original")
            if original is not None:
                response.context_data["tabs"] = instance_tabs(original, "edit", request.user)
        return response

    def save_model(self, request: HttpRequest, obj: Instance, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = instance_add(
            partner=data["partner"],
            zapi_id=data["zapi_id"],
            token=data["token"],
            client_token=data.get("client_token") or "",
            name=data.get("name") or "",
            phone=data.get("phone") or "",
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def response_add(
        self, request: HttpRequest, obj: Instance, post_url_continue: str | None = None
    ) -> HttpResponse:
        # A new instance goes straight to its page, where it can be paired.
        self.message_user(request, _("Instance added. Pair it or check its status."))
        return redirect("admin:instances_instance_overview", obj.pk)

    @admin.display(description=_("instance token"))
    def token_masked(self, obj: Instance) -> str:
        return mask(obj.token)

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, obj: Instance) -> str:
        return obj.webhook_url_masked


def _after_commit(task: Any, *args: Any) -> Any:
    """Send ``task(pk, *args)`` once the admin action's transaction has committed."""
    return lambda pk: transaction.on_commit(partial(task.delay, pk, *args))


def _queued(n: int, what: Any) -> str:
    return ngettext(
        "Queued %(what)s for %(n)d instance.", "Queued %(what)s for %(n)d instances.", n
    ) % {"what": what, "n": n}


def _short_delta(delta: Any) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else f"{seconds}s"
