"""The campaign pages: list, create (with a preview as three real recipients would get it),
progress (live through htmx, the funnel drawn server-side), recipients table, CSV export and
the actions. Thin: forms, services, selectors.

Served under the Campaign admin through ``ROUTES``; every lookup is scoped with ``for_user``
(a foreign campaign is a 404) and every action checks OPERATE at the campaign's partner.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import request_ip
from core.admin import Route
from core.htmx import HtmxHttpRequest
from messaging.campaigns.audience import audience_describe, audience_import_queue
from messaging.campaigns.forms import CampaignForm
from messaging.campaigns.models import Campaign, CampaignState
from messaging.campaigns.selectors import (
    SKIP_LABELS,
    campaign_preview,
    campaign_progress,
    campaign_progress_rows,
    campaign_safety,
    campaigns_for,
    draft_preview,
    recipient_outcome,
    recipients_filtered,
)
from messaging.campaigns.services import (
    VariantSpec,
    campaign_cancel,
    campaign_create,
    campaign_duplicate,
    campaign_pause,
    campaign_resume,
    campaign_start,
)
from messaging.campaigns.svg import funnel_svg, progress_bar
from messaging.consent import opt_out_line
from messaging.models import ImportState
from messaging.states import MessageState
from messaging.views import KIND_FIELDS_JSON
from partners.roles import Capability
from partners.scoping import partners_where, user_can

PAGE = 50


def _context(model_admin: Any, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
    return {**model_admin.admin_site.each_context(request), "title": title, **extra}


def scoped_campaign(request: HttpRequest, pk: int, capability: Capability) -> Campaign:
    """The campaign ``pk`` if the user sees it (else 404) and may do ``capability`` at its
    partner (else 403)."""
    campaign = get_object_or_404(campaigns_for(user=request.user), pk=pk)
    if not user_can(request.user, capability, campaign.partner):
        raise PermissionDenied
    return campaign


def campaign_list(request: HttpRequest, *, model_admin: Any) -> HttpResponse:
    # The audience file's import comes in the same query (its progress for the campaigns
    # waiting on it), without its report and columns, which the list does not show.
    campaigns = (
        campaigns_for(user=request.user)
        .select_related("audience_import")
        .defer("audience_import__report", "audience_import__mapping")
    )
    state = request.GET.get("state", "")
    if state in CampaignState.values:
        campaigns = campaigns.filter(state=state)
    page = Paginator(campaigns.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("p"))
    tallies = campaign_progress_rows(campaigns=page.object_list)
    operate = partners_where(request.user, Capability.OPERATE)
    rows = [
        {
            "campaign": c,
            "tally": tallies.get(c.pk),
            "bar": progress_bar(tallies[c.pk].percent if c.pk in tallies else 0),
            **_audience_import_row(c),
            "senders": [s.instance.name for s in c.senders.all()],
            "may_operate": operate is None or c.partner_id in operate,
        }
        for c in page.object_list
    ]
    context = _context(
        model_admin, request, _("Campaigns"), rows=rows, page=page, state=state,
        states=CampaignState.choices, may_create=operate is None or bool(operate),
    )  # fmt: skip
    return TemplateResponse(request, "messaging/campaigns/list.html", context)


def _audience_import_row(campaign: Campaign) -> dict[str, Any]:
    """A campaign still waiting for its audience file: the import (its state and rows) and
    its bar, in the list's own style (red when it failed); nothing for the others."""
    if not campaign.audience_pending:
        return {}
    job = campaign.audience_import
    if job is None:  # the import was deleted: the campaign page says what to do
        return {"importing": True, "import_bar": progress_bar(0, failed=True)}
    return {
        "importing": True,
        "import_job": job,
        "import_bar": progress_bar(job.percent, failed=job.state == ImportState.FAILED),
    }


def campaign_add(request: HttpRequest, *, model_admin: Any) -> HttpResponse:
    operate = partners_where(request.user, Capability.OPERATE)
    if operate is not None and not operate:
        raise PermissionDenied
    form = CampaignForm(request.POST or None, request.FILES or None, user=request.user)
    preview = None
    if request.method == "POST":
        valid = form.is_valid() & form.variants_valid()
        if valid:
            senders = list(form.cleaned_data["senders"])
            partner = senders[0].partner
            if "preview" in request.POST:
                preview = _form_preview(form, partner, senders)
            else:
                campaign = _create_from_form(request, form, partner, senders)
                if campaign is not None:
                    messages.success(request, _("Campaign created: check it, then start it."))
                    return HttpResponseRedirect(
                        reverse("admin:messaging_campaign_progress", args=[campaign.pk])
                    )
    context = _context(
        model_admin, request, _("New campaign"), form=form, preview=preview,
        kind_fields_json=KIND_FIELDS_JSON,
    )  # fmt: skip
    return TemplateResponse(request, "messaging/campaigns/add.html", context)


def _form_preview(form: CampaignForm, partner: Any, senders: list[Any]) -> list[Any]:
    answer = form.options()["opt_out_answer"]
    line = (
        opt_out_line(partner_id=partner.pk, answer=answer) if form.cleaned_data["opt_out"] else ""
    )
    return draft_preview(
        partner=partner,
        audience=form.audience(),
        variants=form.variant_specs(preview=True),
        opt_out_line=line,
        seed=form.cleaned_data["seed"],
        sender_names=[s.name for s in senders],
    )


def _create_from_form(
    request: HttpRequest, form: CampaignForm, partner: Any, senders: list[Any]
) -> Campaign | None:
    """The campaign from the form. An uploaded file is not imported here (100,000 rows
    would hold the request for seconds): it is queued for the contact import's task, and
    the campaign, a draft, gets its recipients when that import is done."""
    audience = form.audience()
    upload = form.cleaned_data.get("upload")
    job = None
    options = form.options()
    if not form.cleaned_data["opt_out"]:
        options["opt_out_line"] = ""
    try:
        with transaction.atomic():
            if upload is not None:
                job = audience_import_queue(
                    partner=partner, upload=upload, user=request.user,
                    list_name=_("%(name)s (file %(when)s)") % {
                        "name": form.cleaned_data["name"],
                        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                    },
                )  # fmt: skip
                audience["lists"] = [*audience["lists"], job.contact_list_id]
            campaign = campaign_create(
                partner=partner,
                name=form.cleaned_data["name"],
                variants=[VariantSpec(**v) for v in form.variant_specs()],
                senders=senders,
                audience=audience,
                user=request.user,
                seed=form.cleaned_data["seed"],
                audience_import=job,
                **options,
            )
    except (ValidationError, ValueError) as exc:
        if job is not None:  # rolled back: its row is gone, its stored file too
            default_storage.delete(job.stored_path)
        form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        return None
    if job is not None:
        messages.info(
            request,
            _("%(file)s is being imported (%(total)d rows): the recipients are written when "
              "it is done.") % {"file": job.file_name, "total": job.total},
        )  # fmt: skip
    return campaign


def campaign_progress_view(request: HtmxHttpRequest, campaign_id: int, *, model_admin: Any
                           ) -> HttpResponse:  # fmt: skip
    campaign = scoped_campaign(request, campaign_id, Capability.VIEW)
    job = campaign.audience_import
    if request.htmx and request.GET.get("part") == "audience":
        return _audience_file_part(request, campaign, job)
    progress = campaign_progress(campaign=campaign)
    live = {
        "progress": progress,
        "funnel": funnel_svg(
            progress.total.funnel(),
            failed=progress.total.failed,
            skipped=progress.total.skipped_total
            + campaign.excluded_opted_out
            + campaign.excluded_invalid,
        ),
        "campaign": campaign,
    }
    if request.htmx and request.GET.get("part") == "live":
        return TemplateResponse(request, "messaging/campaigns/_live.html", live)
    # No COUNT(*) over 100,000 joined rows: a page of 50 and whether there is a next one.
    number = int(request.GET["p"]) if request.GET.get("p", "").isdigit() else 1
    number = max(number, 1)
    found = list(
        recipients_filtered(campaign=campaign, params=request.GET.dict())[
            (number - 1) * PAGE : number * PAGE + 1
        ]
    )
    recipients = {"number": number, "has_next": len(found) > PAGE, "has_previous": number > 1}
    rows = [(r, *recipient_outcome(r)) for r in found[:PAGE]]
    is_draft = campaign.state == CampaignState.DRAFT
    context = _context(
        model_admin, request, campaign.name, **live,
        may_operate=user_can(request.user, Capability.OPERATE, campaign.partner),
        audience_text=audience_describe(partner=campaign.partner, audience=campaign.audience),
        safety=campaign_safety(campaign=campaign) if is_draft else None,
        preview=campaign_preview(campaign=campaign) if is_draft else None,
        recipients=recipients, rows=rows, filters=request.GET,
        outcomes=_outcomes(), senders=campaign.senders.select_related("instance"),
        variants=campaign.variants.all(), skip_labels=SKIP_LABELS,
        job=job, poll_url=_audience_poll_url(campaign),
    )  # fmt: skip
    return TemplateResponse(request, "messaging/campaigns/progress.html", context)


def _audience_poll_url(campaign: Campaign) -> str:
    url = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
    return f"{url}?part=audience"


def _audience_file_part(request: HttpRequest, campaign: Campaign, job: Any) -> HttpResponse:
    """The audience file's import progress (the contact import's own partial), polled by
    htmx; once the import is over, the whole page reloads with the recipients' counts (or
    the reason it failed)."""
    if job is None:
        raise Http404
    if job.state in (ImportState.QUEUED, ImportState.RUNNING):
        return TemplateResponse(
            request, "messaging/_import_progress.html",
            {"job": job, "poll_url": _audience_poll_url(campaign)},
        )  # fmt: skip
    response = HttpResponse()
    response["HX-Refresh"] = "true"
    return response


def _outcomes() -> list[tuple[str, str]]:
    return [
        ("pending", _("Waiting")),
        *[(str(s), str(s.label)) for s in MessageState],
        ("replied", _("Replied")),
        ("skipped", _("Skipped")),
    ]


ACTIONS = {
    "start": lambda c, u, ip: campaign_start(campaign=c, user=u, ip=ip),
    "pause": lambda c, u, ip: campaign_pause(campaign=c, user=u, ip=ip),
    "resume": lambda c, u, ip: campaign_resume(campaign=c, user=u, ip=ip),
    "cancel": lambda c, u, ip: campaign_cancel(campaign=c, user=u, ip=ip),
}


def campaign_action(request: HttpRequest, campaign_id: int, action: str, *, model_admin: Any
                    ) -> HttpResponse:  # fmt: skip
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ACTIONS and action != "duplicate":
        raise Http404
    campaign = scoped_campaign(request, campaign_id, Capability.OPERATE)
    back = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
    if action == "duplicate":
        copy = campaign_duplicate(campaign=campaign, user=request.user)
        messages.success(request, _("Duplicated as a new draft."))
        return HttpResponseRedirect(reverse("admin:messaging_campaign_progress", args=[copy.pk]))
    try:
        done = ACTIONS[action](campaign, request.user, request_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(back)
    if done:
        messages.success(request, _("Campaign %(state)s.") % {
            "state": Campaign.objects.get(pk=campaign.pk).get_state_display().lower()
        })  # fmt: skip
    else:
        messages.warning(
            request,
            _("The campaign is %(state)s: nothing to do.")
            % {"state": campaign.get_state_display().lower()},
        )
    return HttpResponseRedirect(back)


class _Echo:
    def write(self, value: str) -> str:
        return value


def campaign_export(request: HttpRequest, campaign_id: int, *, model_admin: Any
                    ) -> StreamingHttpResponse:  # fmt: skip
    """Every recipient with its state and the reason for every one not sent, as CSV,
    streamed (bounded memory at 100,000 rows)."""
    campaign = scoped_campaign(request, campaign_id, Capability.VIEW)
    rows = recipients_filtered(campaign=campaign, params=request.GET.dict())
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow([
            _("phone"), _("name"), _("sender"), _("variant"), _("state"), _("reason"),
            _("queued"), _("sent"), _("delivered"), _("read"), _("replied"),
        ])  # fmt: skip
        for r in rows.iterator(chunk_size=2000):
            state, reason = recipient_outcome(r)
            m = r.message
            yield writer.writerow([
                r.phone, _cell(r.contact.name if r.contact else ""),
                r.sender.name if r.sender else "", r.variant.position if r.variant else "",
                state, _cell(reason), _when(r.queued_at), _when(m.sent_at if m else None),
                _when(m.received_at if m else None), _when(m.read_at if m else None),
                _when(r.replied_at),
            ])  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    return response


def _cell(value: str) -> str:
    """A spreadsheet must not run a name as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _when(at: Any) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") if at else ""


ROUTES: list[Route] = [
    ("<int:campaign_id>/progress/", campaign_progress_view, "progress"),
    ("<int:campaign_id>/export.csv", campaign_export, "export"),
    # start, pause, resume, cancel, duplicate (POST)
    ("<int:campaign_id>/do/<slug:action>/", campaign_action, "action"),
]
