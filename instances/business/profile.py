"""The company profile (spec 001, "WhatsApp Business"): description, email, address, websites,
opening hours and categories; and the checklist of a filled profile.

Z-API can change these but not read them back, so our ``BusinessAccount`` keeps what we
last saved and, per endpoint, what Z-API answered. Only fields that differ from our copy are
sent: an empty value *removes* the field at Z-API ("WhatsApp Business > Change company
description"), so a blank we never knew must not wipe what the phone has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from instances.business.labels import business_account
from instances.business.models import BusinessAccount
from instances.models import Instance
from instances.outcome import Outcome, zapi_outcome
from instances.zapi import instance_client

# The days Z-API names ("WhatsApp Business > Change opening hours"), Monday first as people read a
# week.
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
DAY_NAMES = dict(zip(WEEKDAYS, (
    gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"), gettext_lazy("Friday"), gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
), strict=True))  # fmt: skip
HOURS_MODES = {
    "specificHours": gettext_lazy("Specific hours"),
    "open24h": gettext_lazy("Open 24 hours"),
    "appointmentOnly": gettext_lazy("By appointment only"),
}
# At most two websites ("WhatsApp Business > Change company websites") and three categories
# ("WhatsApp Business > Assign categories").
MAX_WEBSITES, MAX_CATEGORIES = 2, 3


@dataclass(frozen=True)
class CompanyProfile:
    """What an operator sets on the company profile page (and what a copy carries)."""

    description: str
    email: str
    address: str
    websites: list[str]
    hours: dict[str, Any]  # {"timezone", "mode", "days": [{dayOfWeek, openTime, closeTime}]}
    categories: list[dict[str, str]]  # [{"id", "displayName"}], 1 to 3 when given

    @classmethod
    def of(cls, account: BusinessAccount) -> CompanyProfile:
        return cls(
            description=account.description,
            email=account.email,
            address=account.address,
            websites=list(account.websites),
            hours=dict(account.hours),
            categories=list(account.categories),
        )


def _category_ids(categories: list[dict[str, str]]) -> list[str]:
    return [str(c.get("id") or c.get("label") or "") for c in categories if c]


def _steps(client: Any, profile: CompanyProfile) -> dict[str, tuple[str, Any, Callable[[], Any]]]:
    """endpoint -> (our field, value, the call), one row per part of the profile."""
    hours = profile.hours
    return {
        "company_description": (
            "description",
            profile.description,
            lambda: client.company_description(profile.description),
        ),
        "company_email": ("email", profile.email, lambda: client.company_email(profile.email)),
        "company_address": (
            "address",
            profile.address,
            lambda: client.company_address(profile.address),
        ),
        "company_websites": (
            "websites",
            profile.websites,
            lambda: client.company_websites(profile.websites),
        ),
        "business_hours": (
            "hours",
            hours,
            lambda: client.business_hours(
                timezone=hours.get("timezone", ""),
                days=list(hours.get("days") or []),
                mode=hours.get("mode") or "specificHours",
            ),
        ),
        "business_categories": (
            "categories",
            profile.categories,
            lambda: client.business_categories(_category_ids(profile.categories)),
        ),
    }


STEP_NAMES = {
    "company_description": gettext_lazy("Description"),
    "company_email": gettext_lazy("Email"),
    "company_address": gettext_lazy("Address"),
    "company_websites": gettext_lazy("Websites"),
    "business_hours": gettext_lazy("Opening hours"),
    "business_categories": gettext_lazy("Categories"),
}


def company_profile_save(
    *, instance: Instance, profile: CompanyProfile, everything: bool = False
) -> list[Outcome[Any]]:
    """Send each part of ``profile`` that differs from our copy (every part with
    ``everything``, as a copy to another number does; hours without a timezone and an empty
    category list are never sent: Z-API requires them). Our copy changes only where Z-API
    said yes; each answer is kept for the page."""
    account = business_account(instance)
    client = instance_client(instance)
    outcomes: list[Outcome[Any]] = []
    for endpoint, (field, value, call) in _steps(client, profile).items():
        if not everything and getattr(account, field) == value:
            continue
        if endpoint == "business_hours" and not value.get("timezone"):
            continue
        if endpoint == "business_categories" and not value:
            continue
        outcome = zapi_outcome(str(STEP_NAMES[endpoint]), call, ok_text=_("Saved at Z-API."))
        outcomes.append(outcome)
        account.answers[endpoint] = {
            "ok": outcome.ok,
            "text": outcome.text,
            "at": timezone.now().isoformat(),
        }
        if outcome.ok:
            setattr(account, field, value)
    account.save()
    return outcomes


def categories_search(*, instance: Instance, query: str) -> Outcome[list[dict[str, str]]]:
    """``business/available-categories?query=`` ("WhatsApp Business > List categories"): [{id,
    label?, displayName}]."""
    action = _("Search categories")
    client = instance_client(instance)
    outcome = zapi_outcome(action, lambda: client.business_available_categories(query or None))
    if not outcome.ok:
        return Outcome(ok=False, action=action, text=outcome.text, retryable=outcome.retryable)
    rows = outcome.value if isinstance(outcome.value, list) else []
    found = [
        {"id": str(r["id"]), "displayName": str(r.get("displayName") or r["id"])}
        for r in rows
        if isinstance(r, dict) and r.get("id")
    ]
    return Outcome(ok=True, action=action, text="", value=found)


@dataclass(frozen=True)
class CheckItem:
    label: Any
    done: bool
    where: str  # the tab where it is filled


def profile_checklist(instance: Instance, account: BusinessAccount) -> list[CheckItem]:
    """Spec 001 (bans and good practices): a complete profile helps keep a number alive.
    Photo and name come from ``/device`` (Overview refresh); the rest from our copy."""
    device = (instance.settings_snapshot or {}).get("device") or {}
    hours = account.hours or {}
    has_hours = bool(hours.get("days")) or hours.get("mode") in ("open24h", "appointmentOnly")
    return [
        CheckItem(gettext_lazy("Profile photo"), bool(device.get("imgUrl")), "settings"),
        CheckItem(gettext_lazy("Name"), bool(device.get("name")), "settings"),
        CheckItem(gettext_lazy("Description"), bool(account.description), "company"),
        CheckItem(
            gettext_lazy("Opening hours"), has_hours and bool(hours.get("timezone")), "company"
        ),
        CheckItem(gettext_lazy("Categories"), bool(account.categories), "company"),
    ]
