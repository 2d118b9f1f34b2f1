"""The Labels tab: swatches, counts and chats per label; create, rename, recolour, delete;
label chats one by one (from the conversation) or in bulk; sync from Z-API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from audit.models import AuditAction
from instances.business.forms import BulkLabelForm, ChatLabelForm, LabelForm, color_choices
from instances.business.labels import (
    chat_label_set,
    chat_labels_apply,
    label_create,
    label_delete,
    label_edit,
    labels_sync,
)
from instances.business.models import ChatLabel, Label
from instances.business.selectors import business_account_of, labels_with_counts
from instances.business.views.common import (
    back,
    business_action,
    business_context,
    business_instance,
    own_or_404,
)
from instances.models import Instance
from instances.views.common import audit_outcomes, show

TAB = "labels"


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance, status = business_instance(request, object_id)
    account = business_account_of(instance)
    palette = dict(account.label_colors)
    labels = list(labels_with_counts(instance=instance))
    chats: dict[int, list[str]] = {}
    for label_pk, chat_id in ChatLabel.objects.filter(label__instance=instance).values_list(
        "label_id", "chat_id"
    ):
        chats.setdefault(label_pk, []).append(chat_id)
    rows = [
        {
            "label": label,
            "hex": palette.get(str(label.color), ""),
            "chats": chats.get(label.pk, []),
            "form": LabelForm(
                palette=palette,
                initial={"name": label.name, "color": label.color},
                prefix=f"l{label.pk}",
            ),
        }
        for label in labels
    ]
    context = business_context(request, model_admin, instance, status, title=_("Labels"), tab=TAB)
    context.update(
        account=account,
        rows=rows,
        palette=color_choices(palette),
        create_form=LabelForm(palette=palette),
        bulk_form=BulkLabelForm(labels=[(lb.pk, lb.name) for lb in labels]),
    )
    return TemplateResponse(request, "instances/business/labels.html", context)


@business_action(TAB)
def sync(request: HttpRequest, instance: Instance) -> HttpResponse:
    show(request, labels_sync(instance=instance))
    return back(request, instance.pk, TAB)


@business_action(TAB)
def create(request: HttpRequest, instance: Instance) -> HttpResponse:
    form = LabelForm(request.POST, palette=business_account_of(instance).label_colors)
    if form.is_valid():
        outcome = label_create(instance=instance, **form.cleaned_data)
        show(request, outcome)
        audit_outcomes(
            request, instance, AuditAction.LABEL_CREATE, [outcome], label=form.cleaned_data["name"]
        )
    else:
        messages.error(request, _("Label not created: %(e)s") % {"e": form.errors.as_text()})
    return back(request, instance.pk, TAB)


@business_action(TAB)
def edit(request: HttpRequest, instance: Instance) -> HttpResponse:
    label = own_or_404(Label.objects.filter(instance=instance), request.POST.get("label"))
    form = LabelForm(
        request.POST, palette=business_account_of(instance).label_colors, prefix=f"l{label.pk}"
    )
    if form.is_valid():
        before = label.name
        outcome = label_edit(label=label, **form.cleaned_data)
        show(request, outcome)
        audit_outcomes(
            request, instance, AuditAction.LABEL_EDIT, [outcome],
            label=before, name=form.cleaned_data["name"], color=form.cleaned_data["color"],
        )  # fmt: skip
    else:
        messages.error(request, _("Label not saved: %(e)s") % {"e": form.errors.as_text()})
    return back(request, instance.pk, TAB)


@business_action(TAB)
def delete(request: HttpRequest, instance: Instance) -> HttpResponse:
    label = own_or_404(Label.objects.filter(instance=instance), request.POST.get("label"))
    name = label.name
    outcome = label_delete(label=label)
    show(request, outcome)
    audit_outcomes(request, instance, AuditAction.LABEL_DELETE, [outcome], label=name)
    return back(request, instance.pk, TAB)


@business_action(TAB)
def chat(request: HttpRequest, instance: Instance) -> HttpResponse:
    """One chat, one label: the conversation page's buttons post here (``next`` = back)."""
    form = ChatLabelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed: %(e)s") % {"e": form.errors.as_text()})
        return back(request, instance.pk, TAB)
    label = own_or_404(Label.objects.filter(instance=instance), form.cleaned_data["label"])
    on = form.cleaned_data["on"]
    outcome = chat_label_set(label=label, chat_id=form.cleaned_data["chat_id"], on=on)
    show(request, outcome)
    audit_outcomes(
        request, instance, AuditAction.CHAT_LABEL, [outcome], label=label.name, on=on, chats=1
    )
    return back(request, instance.pk, TAB)


@business_action(TAB)
def bulk(request: HttpRequest, instance: Instance) -> HttpResponse:
    labels = [(lb.pk, lb.name) for lb in Label.objects.filter(instance=instance)]
    form = BulkLabelForm(request.POST, labels=labels)
    if not form.is_valid():
        messages.error(request, _("Nothing changed: %(e)s") % {"e": form.errors.as_text()})
        return back(request, instance.pk, TAB)
    label = own_or_404(Label.objects.filter(instance=instance), form.cleaned_data["label"])
    outcomes = chat_labels_apply(
        label=label, chat_ids=form.cleaned_data["chat_ids"], on=form.cleaned_data["on"]
    )
    audit_outcomes(
        request, instance, AuditAction.CHAT_LABEL, list(outcomes),
        label=label.name, on=form.cleaned_data["on"], chats=len(outcomes),
    )  # fmt: skip
    failed = [o for o in outcomes if not o.ok]
    done = len(outcomes) - len(failed)
    messages.add_message(
        request,
        messages.ERROR if failed else messages.SUCCESS,
        _("“%(name)s”: %(done)d of %(n)d chats done.")
        % {"name": label.name, "done": done, "n": len(outcomes)},
    )
    for outcome in failed[:10]:
        show(request, outcome)
    return back(request, instance.pk, TAB)
