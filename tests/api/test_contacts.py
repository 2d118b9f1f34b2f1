"""/api/contacts/ and /api/lists/ through the contact book's services."""

from __future__ import annotations

import pytest

from messaging.models import ConsentChange, Contact, ContactList

pytestmark = pytest.mark.django_db


def test_create_normalises_and_updates_the_same_person(api, partner):
    made = api.post(
        "/api/contacts/",
        {"phone": "(11) 99999-8888", "name": "Ana", "variables": {"city": "Campinas"}},
    )
    assert made.status_code == 201, made.content
    assert made.json()["phone"] == "5511999998888"
    assert made.json()["variables"] == {"city": "Campinas"}
    again = api.post("/api/contacts/", {"phone": "+55 11 99999 8888", "name": "Ana Paula"})
    assert again.status_code == 200
    assert Contact.objects.get().name == "Ana Paula"


def test_bad_phone_is_a_400_in_words(api):
    response = api.post("/api/contacts/", {"phone": "12"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "phone"


def test_list_filters_change_opt_out_in_and_erase(api, partner, other_partner):
    ana = Contact.objects.create(partner=partner, phone="5511911110000", name="Ana")
    Contact.objects.create(partner=partner, phone="5511922220000", name="Bia")
    Contact.objects.create(partner=other_partner, phone="5511933330000", name="Not mine")
    rows = api.get("/api/contacts/?search=ana").json()["results"]
    assert [r["id"] for r in rows] == [ana.pk]
    assert len(api.get("/api/contacts/").json()["results"]) == 2

    changed = api.patch(f"/api/contacts/{ana.pk}/", {"name": "Ana Maria"})
    assert changed.json()["name"] == "Ana Maria"

    out = api.post(f"/api/contacts/{ana.pk}/opt-out/", {"reason": "asked by phone"})
    assert out.json()["opted_out_at"] is not None
    assert [r["id"] for r in api.get("/api/contacts/?opted_out=true").json()["results"]] == [ana.pk]
    assert ConsentChange.objects.get(contact=ana).source == "api"
    refused = api.post(f"/api/contacts/{ana.pk}/opt-in/", {"reason": ""})
    assert refused.status_code == 400
    back = api.post(f"/api/contacts/{ana.pk}/opt-in/", {"reason": "wrote to us again"})
    assert back.json()["opted_out_at"] is None

    assert api.delete(f"/api/contacts/{ana.pk}/").status_code == 204
    assert not Contact.objects.filter(pk=ana.pk).exists()


def test_import_reports_like_the_page(api, partner):
    target = ContactList.objects.create(partner=partner, name="Leads")
    response = api.post(
        "/api/contacts/import/",
        {
            "list": target.pk,
            "rows": [
                {"phone": "11 99999-0001", "name": "Um", "variables": {"plan": "gold"}},
                {"phone": "11 99999-0002"},
                {"phone": "nope"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["created"] == 2 and len(report["invalid"]) == 1
    assert Contact.objects.get(phone="5511999990001").extra == {"plan": "gold"}
    assert api.get(f"/api/lists/{target.pk}/").json()["size"] == 2


def test_lists_create_and_members(api, partner, other_partner):
    made = api.post("/api/lists/", {"name": "  VIP  "})
    assert made.status_code == 201 and made.json()["name"] == "VIP"
    ana = Contact.objects.create(partner=partner, phone="5511911110000")
    stranger = Contact.objects.create(partner=other_partner, phone="5511911110001")
    url = f"/api/lists/{made.json()['id']}/members/"
    assert api.post(url, {"add": [ana.pk, stranger.pk]}).json() == {"added": 1, "removed": 0}
    assert api.post(url, {"remove": [ana.pk]}).json() == {"added": 0, "removed": 1}


def test_foreign_contacts_and_lists_are_404(api, other_partner):
    theirs = Contact.objects.create(partner=other_partner, phone="5511933330000")
    their_list = ContactList.objects.create(partner=other_partner, name="Theirs")
    assert api.get(f"/api/contacts/{theirs.pk}/").status_code == 404
    assert api.delete(f"/api/contacts/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/lists/{their_list.pk}/members/", {"add": []}).status_code == 404
    assert api.post("/api/lists/", {"name": "x", "partner": other_partner.pk}).status_code == 404


def test_item_errors_name_the_item_on_the_field(api):
    response = api.post(
        "/api/contacts/import/", {"rows": [{"phone": "11999990001"}, {"name": "no phone"}]}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "rows" and error["code"] == "invalid"
    assert "item 1: phone:" in error["detail"]
    bad = api.get("/api/contacts/?opted_out=maybe")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "opted_out"
