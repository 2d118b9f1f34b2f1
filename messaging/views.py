"""The messaging pages: compose, conversation, our queue. Thin: forms, services, selectors.

Served under the Message admin through ``ROUTES`` (the same pattern as ``instances.views``);
every instance comes through ``scoped_instance`` and every message through ``for_user``, so
another partner's number or message is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from core.admin import Route
from core.htmx import HtmxHttpRequest
from instances.business.selectors import labels_of_instance
from instances.models import Instance
from instances.shortcuts import instance_may, scoped_instance
from messaging.dispatcher import instance_ready
from messaging.forms import UPLOAD_FOLDER, ComposeForm, PaceForm, media_signer
from messaging.models import Message, MessageKind
from messaging.pacer import pacer_get, pacer_paired_at
from messaging.phones import chat_id_normalize
from messaging.selectors import (
    chats_recent,
    conversation_messages,
    queue_messages,
    queue_overview,
)
from messaging.services import (
    message_cancel,
    message_enqueue,
    message_retry,
    pacer_configure,
)
from partners.roles import QUEUE_FIXERS, Capability
from partners.scoping import user_can

KIND_FIELDS_JSON = json.dumps({str(k): v for k, v in ComposeForm.KIND_FIELDS.items()})


def _context(model_admin: Any, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
    return {**model_admin.admin_site.each_context(request), "title": title, **extra}


def compose(
    request: HttpRequest, instance_id: int, model_admin: Any, chat_id: str = ""
) -> HttpResponse:
    """Compose for a number (``chat_id`` typed in) or inside a conversation."""
    instance = scoped_instance(request, instance_id, Capability.OPERATE)
    initial = {
        "chat_id": request.GET.get("chat", chat_id),
        # "Send" on a product of the Catalog tab opens compose with it picked.
        "kind": request.GET.get("kind", MessageKind.TEXT),
        "product_id": request.GET.get("product", ""),
    }
    form = ComposeForm(
        request.POST or None, request.FILES or None, initial=initial, instance=instance
    )
    # Recent chats filtered by a WhatsApp Business label of this number (?label=<pk>).
    labels = list(labels_of_instance(instance=instance))
    wanted = request.GET.get("label", "")
    label_id = next((lb.pk for lb in labels if str(lb.pk) == wanted), None)
    if request.method == "POST" and form.is_valid():
        try:
            message = message_enqueue(
                instance=instance,
                chat_id=form.cleaned_data["chat_id"],
                kind=form.cleaned_data["kind"],
                fields=form.compose_fields(),
                delay_typing=form.cleaned_data.get("delay_typing"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Queued. It goes out at this number's pace."))
            url = reverse("admin:messaging_conversation", args=[instance.pk, message.chat_id])
            return HttpResponseRedirect(url)
    context = _context(
        model_admin,
        request,
        _("Send from %(name)s") % {"name": instance.name},
        instance=instance,
        form=form,
        chat_id=chat_id,
        kind_fields_json=KIND_FIELDS_JSON,
        chats=chats_recent(user=request.user, instance=instance, label_id=label_id),
        labels=labels,
        label_id=label_id,
        ready=instance_ready(instance, pacer_get(instance_id=instance.pk)),
    )
    return TemplateResponse(request, "messaging/compose.html", context)


def conversation(
    request: HtmxHttpRequest, instance_id: int, chat_id: str, model_admin: Any
) -> HttpResponse:
    instance = scoped_instance(request, instance_id)
    try:
        chat_id = chat_id_normalize(chat_id)
    except ValidationError:
        raise Http404(_("No such chat.")) from None
    timeline = list(conversation_messages(user=request.user, instance=instance, chat_id=chat_id))
    if request.htmx:
        return TemplateResponse(
            request, "messaging/_timeline.html", {"timeline": timeline, "instance": instance}
        )
    may_send = instance_may(request, instance, Capability.OPERATE)
    context = _context(
        model_admin,
        request,
        _("Conversation with %(chat)s") % {"chat": chat_id},
        instance=instance,
        chat_id=chat_id,
        timeline=timeline,
        form=ComposeForm(initial={"chat_id": chat_id}, instance=instance) if may_send else None,
        kind_fields_json=KIND_FIELDS_JSON,
    )
    return TemplateResponse(request, "messaging/conversation.html", context)


def queue(request: HtmxHttpRequest, model_admin: Any) -> HttpResponse:
    """Our queue: what waits on our side per number and why; cancel, retry, pace."""
    if not any(user_can(request.user, c) for c in QUEUE_FIXERS):
        raise PermissionDenied
    selected = request.GET.get("instance")
    instance = scoped_instance(request, selected) if selected and selected.isdigit() else None
    rows = queue_overview(user=request.user, instance_id=instance.pk if instance else None)
    context = _context(
        model_admin,
        request,
        _("Our queue"),
        rows=rows,
        instance=instance,
        waiting=list(queue_messages(user=request.user, instance_id=instance.pk))
        if instance
        else [],
        # The pace and the daily cap keep a number alive: an operator's decision.
        pace_form=_pace_form(instance)
        if instance and instance_may(request, instance, Capability.OPERATE)
        else None,
        may_fix=instance is not None and instance_may(request, instance, QUEUE_FIXERS),
    )
    template = "messaging/_queue_body.html" if request.htmx else "messaging/queue.html"
    return TemplateResponse(request, template, context)


def _pace_form(instance: Instance) -> PaceForm:
    pacer = pacer_get(instance_id=instance.pk)
    return PaceForm(
        initial={
            "min_gap_seconds": pacer.min_gap_seconds,
            "max_gap_seconds": pacer.max_gap_seconds,
            "daily_new_recipients": pacer.daily_new_recipients,
            "paused": pacer.paused,
            "paired_since": timezone.localdate(pacer_paired_at(instance=instance, pacer=pacer)),
        }
    )


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return HttpResponseRedirect(target or default)


@require_POST
def cancel(request: HttpRequest, message_id: int, model_admin: Any) -> HttpResponse:
    return _message_action(request, message_id, message_cancel)


@require_POST
def retry(request: HttpRequest, message_id: int, model_admin: Any) -> HttpResponse:
    return _message_action(request, message_id, message_retry)


def _message_action(
    request: HttpRequest, message_id: int, action: Callable[..., bool]
) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.for_user(request.user).select_related("instance__partner"), pk=message_id
    )
    if not instance_may(request, message.instance, QUEUE_FIXERS):
        raise PermissionDenied
    done = action(message=message)
    if done:
        audit_record(
            actor=request.user, partner=message.instance.partner, instance=message.instance,
            action=AuditAction.MESSAGE_CANCEL
            if action is message_cancel
            else AuditAction.MESSAGE_RETRY,
            target=f"message {message.pk}", ip=request_ip(request),
        )  # fmt: skip
        messages.success(request, _("Message %(id)s: done.") % {"id": message.pk})
    else:
        messages.warning(
            request,
            _("Message %(id)s is %(state)s now: nothing to do.")
            % {"id": message.pk, "state": message.get_state_display()},
        )
    default = reverse("admin:messaging_queue") + f"?instance={message.instance_id}"
    return _back(request, default)


@require_POST
def pace(request: HttpRequest, instance_id: int, model_admin: Any) -> HttpResponse:
    # The pace and the daily cap keep a number alive: an operator's decision, not support's.
    instance = scoped_instance(request, instance_id, Capability.OPERATE)
    form = PaceForm(request.POST)
    if form.is_valid():
        try:
            pacer_configure(instance=instance, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(
                request, _("Pace not saved: %(errors)s") % {"errors": " ".join(exc.messages)}
            )
        else:
            audit_record(
                actor=request.user, partner=instance.partner, instance=instance,
                action=AuditAction.PACE_CHANGE, ip=request_ip(request), details=form.cleaned_data,
            )  # fmt: skip
            messages.success(request, _("Pace of %(name)s saved.") % {"name": instance.name})
    else:
        messages.error(request, _("Pace not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return HttpResponseRedirect(reverse("admin:messaging_queue") + f"?instance={instance.pk}")


# Uploads keep these types (Z-API and the phone need them); anything else, HTML and SVG
# included, is served as opaque bytes. Every upload is an attachment in a sandbox.
MEDIA_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/ogg",
    ".m4a": "audio/mp4", ".aac": "audio/aac", ".wav": "audio/wav", ".mp4": "video/mp4",
    ".3gp": "video/3gpp", ".mov": "video/quicktime", ".webm": "video/webm",
    ".pdf": "application/pdf",
}  # fmt: skip


def media(request: HttpRequest, key: str, name: str) -> FileResponse:
    """An uploaded file, for Z-API to fetch: no login, but only through the signed link
    ``upload_save`` made, and only until it expires."""
    if not key.isalnum() or Path(name).name != name:
        raise Http404
    try:
        signed = media_signer().unsign(
            request.GET.get("s", ""), max_age=settings.MEDIA_LINK_MAX_AGE_SECONDS
        )
    except signing.BadSignature:  # SignatureExpired included
        raise Http404 from None
    path = f"{UPLOAD_FOLDER}/{key}/{name}"
    if signed != f"{key}/{name}" or not default_storage.exists(path):
        raise Http404
    content_type = MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
    response = FileResponse(
        default_storage.open(path, "rb"), as_attachment=True, filename=name,
        content_type=content_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# (route, view, url name suffix): names are "admin:messaging_<suffix>". ``media`` is not here:
# it is public (Z-API fetches uploads without a session), see ``MessageAdmin.get_urls``.
ROUTES: list[Route] = [
    ("queue/", queue, "queue"),
    ("compose/<int:instance_id>/", compose, "compose"),
    ("conversation/<int:instance_id>/<str:chat_id>/", conversation, "conversation"),
    ("conversation/<int:instance_id>/<str:chat_id>/send/", compose, "compose_chat"),
    ("<int:message_id>/cancel/", cancel, "message_cancel"),
    ("<int:message_id>/retry/", retry, "message_retry"),
    ("pace/<int:instance_id>/", pace, "pace"),
]
