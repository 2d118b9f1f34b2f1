"""Labels on contacts' chats, from the contact book: the contact page's labels box and the
contact list's bulk action both post here, one label (so one number) at a time, through
the same service as the Labels tab (``chat_labels_apply``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from instances.business.labels import chat_labels_apply
from instances.business.models import Label
from instances.business.selectors import business_status, labels_for_user
from instances.views.common import audit_outcomes, show
from messaging.models import Contact
from partners.roles import Capability
from partners.scoping import partners_where, user_can

MAX_CONTACTS = 500


def labels_to_offer(user: Any, partner_id: int) -> list[tuple[str, list[Label]]]:
    """The labels a person may put on the partner's chats, grouped by number: only numbers
    where they may operate and business APIs work."""
    rows = labels_for_user(user).filter(instance__partner_id=partner_id)
    groups: dict[int, tuple[str, list[Label]]] = {}
    for label in rows:
        instance = label.instance
        if instance.pk not in groups:
            if not (
                user_can(user, Capability.OPERATE, instance.partner)
                and business_status(instance).enabled
            ):
                continue
            groups[instance.pk] = (instance.name, [])
        groups[instance.pk][1].append(label)
    return list(groups.values())


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("admin:messaging_contact_changelist")


@require_POST
def contacts_label(request: HttpRequest, model_admin: Any) -> HttpResponse:
    """Put one label on the chats of the posted contacts (``on=add``) or take it off.

    A label or contact the person may not see is a 404; one of a partner where they may
    not operate, a 403; a number where business APIs do not work is refused in words."""
    pk = request.POST.get("label", "")
    labels = Label.objects.for_user(request.user).select_related("instance__partner")
    label = labels.filter(pk=int(pk)).first() if pk.isdigit() else None
    if label is None:
        raise Http404
    instance = label.instance
    if not user_can(request.user, Capability.OPERATE, instance.partner):
        raise PermissionDenied
    ids = {int(v) for v in request.POST.getlist("contacts") if v.isdigit()}
    contacts = list(
        Contact.objects.for_user(request.user).filter(pk__in=ids, partner_id=instance.partner_id)
    )
    if not ids or len(contacts) != len(ids):
        raise Http404  # another partner's contact, or none
    if len(ids) > MAX_CONTACTS:
        messages.error(request, _("At most %(n)d contacts at once.") % {"n": MAX_CONTACTS})
        return _back(request)
    status = business_status(instance)
    if not status.enabled:
        messages.error(request, str(status.reason))
        return _back(request)
    on = request.POST.get("on") == "add"
    chat_ids = [c.chat_id for c in contacts if c.chat_id]
    outcomes = chat_labels_apply(label=label, chat_ids=chat_ids, on=on)
    audit_outcomes(
        request, instance, AuditAction.CHAT_LABEL, outcomes,
        label=label.name, on=on, chats=len(outcomes), source="contacts",
    )  # fmt: skip
    failed = [o for o in outcomes if not o.ok]
    if len(outcomes) == 1:
        show(request, outcomes[0])
    else:
        text = _("“%(name)s” on %(number)s: %(done)d of %(n)d chats done.") % {
            "name": label.name, "number": instance.name,
            "done": len(outcomes) - len(failed), "n": len(outcomes),
        }  # fmt: skip
        messages.add_message(request, messages.ERROR if failed else messages.SUCCESS, text)
        for outcome in failed[:10]:
            show(request, outcome)
    skipped = len(contacts) - len(chat_ids)
    if skipped:
        messages.warning(request, _("%(n)d contacts have no chat to label.") % {"n": skipped})
    return _back(request)


def contacts_label_action(
    model_admin: Any, request: HttpRequest, queryset: QuerySet[Contact]
) -> HttpResponse | None:
    """The contact list's bulk action: choose the label (and so the number), then post."""
    ids = partners_where(request.user, Capability.OPERATE)
    queryset = queryset if ids is None else queryset.filter(partner_id__in=ids)
    partners = set(queryset.values_list("partner_id", flat=True).distinct())
    if len(partners) != 1:
        messages.error(request, _("Choose contacts of one partner you operate for."))
        return None
    contacts = list(queryset[: MAX_CONTACTS + 1])
    if len(contacts) > MAX_CONTACTS:
        messages.error(request, _("At most %(n)d contacts at once.") % {"n": MAX_CONTACTS})
        return None
    groups = labels_to_offer(request.user, partners.pop())
    if not groups:
        messages.error(
            request, _("No WhatsApp Business number of this partner has labels: sync them first.")
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Label the chats of %(n)d contacts") % {"n": len(contacts)},
        "opts": Contact._meta,
        "contacts": contacts,
        "groups": groups,
        "back": request.get_full_path(),
    }
    return TemplateResponse(request, "instances/business/contacts_label.html", context)


contacts_label_action.short_description = gettext_lazy(  # type: ignore[attr-defined]
    "Add or remove a WhatsApp Business label on their chats"
)
# Only for people who may change contacts: the admin hides it from those who only look.
contacts_label_action.allowed_permissions = ("change",)  # type: ignore[attr-defined]
