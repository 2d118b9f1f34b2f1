"""Labelling from the contact book (issue 15): the contact page's labels box and the contact
list's bulk action, through the Labels tab's service, against the sandbox over real HTTP."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from instances.business.labels import chat_label_set, label_create
from instances.business.models import ChatLabel
from messaging.models import Contact
from partners.roles import Role
from sandbox.models import SandboxChat
from tests.factories import InstanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

LABEL = reverse("admin:instances_business_contacts_label")
CONTACTS = reverse("admin:messaging_contact_changelist")


def _page(contact) -> str:
    return reverse("admin:messaging_contact_change", args=[contact.pk])


def test_label_a_contacts_chat_from_its_page_and_take_it_off(paired, operator_client):
    ours, box = paired
    paid = label_create(instance=ours, name="Paid", color=5).value
    ana = Contact.objects.create(partner=ours.partner, phone="5511988887777", name="Ana")
    page = operator_client.get(_page(ana)).content.decode()
    assert 'id="contact-labels"' in page
    assert f'<optgroup label="{ours.name}"><option value="{paid.pk}">Paid</option>' in page

    added = operator_client.post(
        LABEL, {"label": paid.pk, "contacts": ana.pk, "on": "add", "next": _page(ana)},
        follow=True,
    )  # fmt: skip
    html = added.content.decode()
    assert added.redirect_chain[-1][0] == _page(ana)
    assert "Label 5511988887777 “Paid”: Done." in html
    assert "Remove Paid" in html
    assert SandboxChat.objects.get(instance=box, phone=ana.phone).tags == [paid.label_id]

    operator_client.post(LABEL, {"label": paid.pk, "contacts": ana.pk, "on": "remove"})
    assert SandboxChat.objects.get(instance=box, phone=ana.phone).tags == []
    assert not ChatLabel.objects.exists()
    rows = AuditEntry.objects.filter(action=AuditAction.CHAT_LABEL, instance=ours)
    assert [(r.details["on"], r.details["source"]) for r in rows.order_by("at")] == [
        (True, "contacts"), (False, "contacts")
    ]  # fmt: skip


def test_label_many_contacts_from_the_contact_list(paired, operator_client):
    ours, box = paired
    lead = label_create(instance=ours, name="Lead", color=2).value
    people = [
        Contact.objects.create(partner=ours.partner, phone=f"551190000000{i}", name=f"P{i}")
        for i in range(1, 4)
    ]
    chosen = operator_client.post(
        CONTACTS,
        {"action": "contacts_label_action", "_selected_action": [p.pk for p in people[:2]]},
    )
    html = chosen.content.decode()
    assert chosen.status_code == 200
    assert "Label the chats of 2 contacts" in html and f'value="{lead.pk}">Lead' in html
    done = operator_client.post(
        LABEL, {"label": lead.pk, "contacts": [p.pk for p in people[:2]], "on": "add"},
        follow=True,
    )  # fmt: skip
    assert f"“Lead” on {ours.name}: 2 of 2 chats done." in done.content.decode()
    tagged = SandboxChat.objects.filter(instance=box, tags=[lead.label_id])
    assert sorted(tagged.values_list("phone", flat=True)) == [p.phone for p in people[:2]]
    # The contact list filters by the label (our copy changed with Z-API's answer).
    listed = operator_client.get(CONTACTS + f"?label={lead.pk}").content.decode()
    assert "P1" in listed and "P2" in listed and "P3" not in listed


def test_foreign_contacts_and_labels_are_404_and_support_may_not(
    paired, operator_client, other_partner
):
    ours, box = paired
    paid = label_create(instance=ours, name="Paid", color=5).value
    ana = Contact.objects.create(partner=ours.partner, phone="5511988887777")
    theirs = Contact.objects.create(partner=other_partner, phone="5511977776666")
    foreign_label = label_create(instance=ours, name="X", color=1).value
    foreign_label.instance = InstanceFactory(partner=other_partner)
    foreign_label.save()
    mixed = {"label": paid.pk, "contacts": [ana.pk, theirs.pk], "on": "add"}
    assert operator_client.post(LABEL, mixed).status_code == 404
    other = {"label": foreign_label.pk, "contacts": ana.pk, "on": "add"}
    assert operator_client.post(LABEL, other).status_code == 404
    support = Client()
    support.force_login(MembershipFactory(partner=ours.partner, role=Role.SUPPORT).user)
    assert support.post(LABEL, {"label": paid.pk, "contacts": ana.pk}).status_code == 403
    assert 'class="label-add"' not in support.get(_page(ana)).content.decode()
    assert not SandboxChat.objects.filter(instance=box, tags__len__gt=0).exists()


def test_a_personal_number_is_refused_in_words(paired, operator_client):
    ours, _box = paired
    paid = label_create(instance=ours, name="Paid", color=5).value
    chat_label_set(label=paid, chat_id="5511988887777", on=True)
    ours.settings_snapshot = {"device": {"isBusiness": False}}
    ours.save()
    ana = Contact.objects.create(partner=ours.partner, phone="5511988887777")
    response = operator_client.post(
        LABEL, {"label": paid.pk, "contacts": ana.pk, "on": "remove"}, follow=True
    )
    assert "Not a WhatsApp Business number" in response.content.decode()
    assert ChatLabel.objects.filter(label=paid).exists()
    page = operator_client.get(_page(ana)).content.decode()
    assert "Paid" in page and "Remove Paid" not in page  # shown, not offered
