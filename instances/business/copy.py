"""Copy labels, the catalog and/or the company profile of one number to other numbers of
the same partner: what a fleet operator does when a new number joins.

``business_copy_start`` writes a ``BusinessCopy`` and sends the task after commit; the task
runs ``business_copy_run``: one target at a time, ``BUSINESS_COPY_PACE_SECONDS`` apart,
each target's answers written to the report as they come (the page polls it).
What is copied is our copy of the source (what its tabs show: sync them first).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from instances.business.catalog import catalog_sync, product_save
from instances.business.labels import label_create, label_edit, labels_sync
from instances.business.models import (
    BusinessAccount,
    BusinessCopy,
    CopyPart,
    CopyState,
    Label,
    Product,
)
from instances.business.profile import CompanyProfile, company_profile_save
from instances.business.selectors import business_status
from instances.business.tasks import business_copy_task
from instances.models import Instance
from instances.outcome import Outcome

Line = dict[str, Any]


def business_copy_start(
    *, source: Instance, targets: list[Instance], parts: list[str], user: Any = None
) -> BusinessCopy:
    """Validate and queue a copy; ``ValidationError`` in words for a bad request."""
    parts = [p for p in CopyPart.values if p in parts]
    if not parts:
        raise ValidationError(_("Choose what to copy: labels, catalog or company profile."))
    ids = sorted({t.pk for t in targets if t.pk != source.pk})
    if not ids:
        raise ValidationError(_("Choose at least one other number."))
    if any(t.partner_id != source.partner_id for t in targets):
        raise ValidationError(_("Numbers of another partner cannot receive a copy."))
    copy = BusinessCopy.objects.create(
        source=source, parts=parts, target_ids=ids, created_by=user if user and user.pk else None
    )
    transaction.on_commit(lambda: business_copy_task.delay(copy.pk))
    return copy


def _line(outcome: Outcome[Any]) -> Line:
    return {"ok": outcome.ok, "text": str(outcome)}


def _copy_labels(source: Instance, target: Instance) -> list[Line]:
    synced = labels_sync(instance=target)  # what the target has, by name
    if not synced.ok and synced.value is None:
        return [_line(synced)]
    theirs = {lb.name.casefold(): lb for lb in Label.objects.filter(instance=target)}
    lines: list[Line] = []
    kept = 0
    for label in Label.objects.filter(instance=source):
        match = theirs.get(label.name.casefold())
        if match is None:
            lines.append(_line(label_create(instance=target, name=label.name, color=label.color)))
        elif label.color is not None and match.color != label.color:
            lines.append(_line(label_edit(label=match, name=match.name, color=label.color)))
        else:
            kept += 1
    if kept:
        lines.append({"ok": True, "text": _("%(n)d labels already there.") % {"n": kept}})
    return lines or [{"ok": True, "text": _("The source has no label.")}]


def _copy_catalog(source: Instance, target: Instance) -> list[Line]:
    synced = catalog_sync(instance=target)
    if not synced.ok:
        return [_line(synced)]
    theirs = list(Product.objects.filter(instance=target))
    by_retailer = {p.retailer_id: p for p in theirs if p.retailer_id}
    by_name = {p.name.casefold(): p for p in theirs}
    lines: list[Line] = []
    for product in Product.objects.filter(instance=source):
        match = by_retailer.get(product.retailer_id) if product.retailer_id else None
        match = match or by_name.get(product.name.casefold())
        fields = _fields_of(product)
        lines.append(_line(product_save(instance=target, fields=fields, product=match)))
    return lines or [{"ok": True, "text": _("The source has no product.")}]


def _fields_of(product: Product) -> dict[str, Any]:
    def number(value: str) -> Any:
        return int(value) if value.isdigit() else value or 0

    fields: dict[str, Any] = {
        "name": product.name,
        "description": product.description,
        "price": number(product.price),
        "sale_price": number(product.sale_price) if product.sale_price else None,
        "currency": product.currency,
        "images": list(product.images),
        "url": product.url,
        "retailer_id": product.retailer_id,
        "hidden": product.hidden,
    }
    return fields


def _copy_profile(source: Instance, target: Instance) -> list[Line]:
    account = BusinessAccount.objects.filter(instance=source).first()
    if account is None:
        return [{"ok": True, "text": _("The source has no company profile saved here.")}]
    profile = CompanyProfile.of(account)
    outcomes = company_profile_save(instance=target, profile=profile, everything=True)
    return [_line(o) for o in outcomes] or [{"ok": True, "text": _("Nothing to copy.")}]


COPIERS = {
    CopyPart.LABELS: _copy_labels,
    CopyPart.CATALOG: _copy_catalog,
    CopyPart.PROFILE: _copy_profile,
}


def _copy_to(source: Instance, target: Instance, parts: list[str]) -> list[Line]:
    status = business_status(target)
    if not status.enabled:
        return [{"ok": False, "text": str(status.reason)}]
    lines: list[Line] = []
    for part in parts:
        for line in COPIERS[CopyPart(part)](source, target):
            lines.append({**line, "part": str(CopyPart(part).label)})
    return lines


def business_copy_run(*, copy_id: int) -> BusinessCopy | None:
    """Run a queued copy to the end. A run that was interrupted (worker killed) resumes with
    the targets not yet in the report."""
    copy = BusinessCopy.objects.filter(pk=copy_id).select_related("source").first()
    if copy is None or copy.state == CopyState.DONE:
        return copy
    BusinessCopy.objects.filter(pk=copy.pk).update(state=CopyState.RUNNING)
    targets = {
        t.pk: t
        for t in Instance.objects.filter(pk__in=copy.target_ids, partner_id=copy.source.partner_id)
    }
    pace = float(settings.BUSINESS_COPY_PACE_SECONDS)
    first = True
    for target_id in copy.target_ids:
        if str(target_id) in copy.report:
            continue
        target = targets.get(target_id)
        if not first and pace > 0:
            time.sleep(pace)
        first = False
        started = timezone.now().isoformat()
        if target is None:
            lines: list[Line] = [{"ok": False, "text": _("This number no longer exists.")}]
            name = f"#{target_id}"
        else:
            lines, name = _copy_to(copy.source, target, list(copy.parts)), target.name
        copy.report[str(target_id)] = {
            "name": name,
            "started": started,
            "ok": all(line["ok"] for line in lines),
            "lines": lines,
        }
        copy.done = len(copy.report)
        copy.save(update_fields=["report", "done"])
    copy.state, copy.finished_at = CopyState.DONE, timezone.now()
    copy.save(update_fields=["state", "finished_at"])
    _audit_done(copy)
    return copy


def _audit_done(copy: BusinessCopy) -> None:
    """The audit row of a finished copy: what each number answered, in words (its first
    failure, or that all went well), for the person who started it."""
    said = []
    for entry in copy.report.values():
        failures = [line["text"] for line in entry["lines"] if not line["ok"]]
        text = failures[0] if failures else _("everything copied")
        said.append(f"{entry['name']}: {text}")
    audit_record(
        actor=copy.created_by,
        partner=copy.source.partner,
        action=AuditAction.BUSINESS_COPY_DONE,
        target=str(copy.source),
        instance=copy.source,
        details={
            "copy": copy.pk,
            "parts": list(copy.parts),
            "ok": all(entry["ok"] for entry in copy.report.values()),
            "said": said,
        },
    )
