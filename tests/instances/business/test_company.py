"""The company profile against the sandbox over real HTTP: each field reaches Z-API, only
changed fields are sent, answers are kept, categories are searched, the checklist."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from instances.business.models import BusinessAccount
from instances.business.profile import (
    CompanyProfile,
    categories_search,
    company_profile_save,
    profile_checklist,
)
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

HOURS = {
    "timezone": "America/Sao_Paulo",
    "mode": "specificHours",
    "days": [{"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "18:00"}],
}
PROFILE = CompanyProfile(
    description="Coffee and cake",
    email="hello@example.com",
    address="Rua A, 1",
    websites=["https://example.com"],
    hours=HOURS,
    categories=[{"id": "restaurant", "displayName": "Restaurant"}],
)


def test_every_field_reaches_zapi_and_the_answers_are_kept(paired):
    ours, box = paired
    outcomes = company_profile_save(instance=ours, profile=PROFILE)
    assert [o.ok for o in outcomes] == [True] * 6, [o.text for o in outcomes]
    box.refresh_from_db()
    company = box.data["company"]
    assert company["company_description"] == "Coffee and cake"
    assert company["company_email"] == "hello@example.com"
    assert company["company_address"] == "Rua A, 1"
    assert company["company_websites"] == ["https://example.com"]
    assert company["business_hours"] == HOURS
    assert company["business_categories"] == ["restaurant"]
    account = BusinessAccount.objects.get(instance=ours)
    assert account.description == "Coffee and cake" and account.hours == HOURS
    assert account.answers["company_email"]["ok"] is True


def test_only_changed_fields_are_sent(paired):
    ours, box = paired
    company_profile_save(instance=ours, profile=PROFILE)
    box.data["company"] = {}
    box.save()
    changed = CompanyProfile(**{**PROFILE.__dict__, "email": "new@example.com"})
    outcomes = company_profile_save(instance=ours, profile=changed)
    assert len(outcomes) == 1
    box.refresh_from_db()
    assert box.data["company"] == {"company_email": "new@example.com"}


def test_a_refusal_is_kept_in_words_and_our_copy_unchanged(paired):
    ours, _box = paired
    too_many = CompanyProfile(**{**PROFILE.__dict__, "websites": ["https://a.b", "https://c.d",
                                                                  "https://e.f"]})  # fmt: skip
    outcomes = company_profile_save(instance=ours, profile=too_many)
    websites = [o for o in outcomes if not o.ok]
    assert len(websites) == 1 and "400" in websites[0].text
    account = BusinessAccount.objects.get(instance=ours)
    assert account.websites == []
    assert account.answers["company_websites"]["ok"] is False


def test_categories_are_searched(paired):
    ours, _box = paired
    outcome = categories_search(instance=ours, query="rest")
    assert outcome.ok
    assert outcome.value == [{"id": "restaurant", "displayName": "Restaurant"}]


def test_checklist_follows_the_profile_and_the_device(paired):
    ours, _box = paired
    account = BusinessAccount.objects.create(instance=ours)
    assert [i.done for i in profile_checklist(ours, account)] == [False] * 5
    company_profile_save(instance=ours, profile=PROFILE)
    account.refresh_from_db()
    ours.settings_snapshot = {"device": {"imgUrl": "https://x/y.jpg", "name": "Café"}}
    assert [i.done for i in profile_checklist(ours, account)] == [True] * 5


# -- the page --------------------------------------------------------------------------------


def _url(name: str, instance) -> str:
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def test_company_page_saves_the_profile_and_shows_the_answers(paired, operator_client):
    ours, box = paired
    response = operator_client.post(
        _url("company", ours),
        {
            "description": "Bakery <script>",
            "email": "a@b.co",
            "address": "",
            "website_1": "https://bakery.example",
            "timezone": "America/Sao_Paulo",
            "mode": "specificHours",
            "MONDAY_open": "08:00",
            "MONDAY_close": "12:00",
            "categories": ["restaurant|Restaurant"],
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    box.refresh_from_db()
    assert box.data["company"]["business_hours"]["days"] == [
        {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "12:00"}
    ]
    assert box.data["company"]["business_categories"] == ["restaurant"]
    assert "company_address" not in box.data["company"]  # unchanged blank: not sent
    assert "Bakery &lt;script&gt;" in html
    assert "Saved at Z-API" in html
    assert re.search(r'value="restaurant\|Restaurant"[^>]*checked', html)


def test_the_checklist_links_to_settings_only_for_who_may_change_them(
    paired, client, operator_client
):
    """Found by the demo-role walk: support was linked to Settings, a tab that refuses it."""
    ours, _box = paired
    settings_link = f'href="{_url("settings", ours)}"'
    assert settings_link in operator_client.get(_url("company", ours)).content.decode()
    client.force_login(MembershipFactory(partner=ours.partner, role=Role.SUPPORT).user)
    html = client.get(_url("company", ours)).content.decode()
    assert "Profile photo" in html and settings_link not in html


def test_bad_hours_are_an_error_not_a_500(paired, operator_client):
    ours, box = paired
    response = operator_client.post(
        _url("company", ours),
        {"MONDAY_open": "18:00", "MONDAY_close": "08:00", "mode": "specificHours"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Closing comes after opening" in html and "need a time zone" in html
    box.refresh_from_db()
    assert "company" not in box.data


def test_category_search_partial(paired, operator_client):
    ours, _box = paired
    html = operator_client.get(_url("company_categories", ours) + "?q=beau").content.decode()
    assert 'value="beauty|Beauty, Spa and Salon"' in html


def test_foreign_company_page_is_404(operator_client, other_partner):
    foreign = InstanceFactory(partner=other_partner)
    assert operator_client.get(_url("company", foreign)).status_code == 404
    assert operator_client.post(_url("company", foreign), {}).status_code == 404
