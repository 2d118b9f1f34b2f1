"""The contact book pages through Django's test client: list, search, filters, the contact
page, consent actions, bulk actions, export, erase and the import flow."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from messaging.consent import RefusalCode, contact_opt_out, recipient_refusal
from messaging.contact_import import contact_import_run
from messaging.models import (
    ConsentSource,
    Contact,
    ContactImport,
    ContactList,
    Direction,
    ErasedRecipient,
    ImportState,
    Message,
)
from partners.roles import Role
from tests.factories import InstanceFactory, MembershipFactory
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:messaging_contact_changelist"


@pytest.fixture
def ana(partner):
    return Contact.objects.create(
        partner=partner, phone="5511987654321", name="Ana Souza", extra={"cidade": "SP"}
    )


@pytest.fixture
def foreign(other_partner):
    return Contact.objects.create(partner=other_partner, phone="5511912345678", name="Foreign")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_finds_a_phone_typed_any_way_and_hides_other_partners(
    operator_client, ana, foreign
):
    url = reverse(CHANGELIST)
    assert "Ana Souza" in page(operator_client, url, q="(11) 98765-4321")
    assert "Ana Souza" in page(operator_client, url, q="ana")
    assert "Foreign" not in page(operator_client, url)
    assert (
        operator_client.get(
            reverse("admin:messaging_contact_change", args=[foreign.pk])
        ).status_code
        == 404
    )


def test_filters_opted_out_and_list(operator_client, partner, ana):
    bia = Contact.objects.create(partner=partner, phone="5521998765432", name="Bia")
    contact_opt_out(contact=bia, source=ConsentSource.OPERATOR)
    vip = ContactList.objects.create(partner=partner, name="VIP")
    vip.contacts.add(ana)
    url = reverse(CHANGELIST)
    out = page(operator_client, url, opted_out="yes")
    assert "Bia" in out and "Ana Souza" not in out
    listed = page(operator_client, url, list=vip.pk)
    assert "Ana Souza" in listed and "Bia" not in listed


def test_the_label_filter_goes_through_the_business_selector(operator_client, partner, ana):
    from instances.business.models import ChatLabel, Label

    instance = InstanceFactory(partner=partner)
    now = timezone.now()
    label = Label.objects.create(instance=instance, label_id="1", name="Lead", read_at=now)
    ChatLabel.objects.create(label=label, chat_id=ana.phone, read_at=now)
    Contact.objects.create(partner=partner, phone="5521998765432", name="Bia")
    listed = page(operator_client, reverse(CHANGELIST), label=label.pk)
    assert "Ana Souza" in listed and "Bia" not in listed
    assert "Lead" in page(operator_client, reverse("admin:messaging_contact_change", args=[ana.pk]))


def test_the_contact_page_shows_consent_and_the_conversation_across_numbers(
    operator_client, partner, ana
):
    first = InstanceFactory(partner=partner, name="Sales 1")
    second = InstanceFactory(partner=partner, name="Sales 2")
    Message.objects.create(
        instance=first, direction=Direction.INBOUND, chat_id=ana.phone, text="Oi!"
    )
    Message.objects.create(
        instance=second, direction=Direction.OUTBOUND, chat_id=ana.phone, text="Olá Ana"
    )
    contact_opt_out(contact=ana, source=ConsentSource.KEYWORD, reason="SAIR", instance_id=first.pk)
    html = page(operator_client, reverse("admin:messaging_contact_change", args=[ana.pk]))
    assert "Oi!" in html and "Olá Ana" in html and "Sales 2" in html
    assert 'data-refusal="opted_out"' in html and "SAIR" in html


def test_opt_in_needs_a_reason_and_is_recorded(operator_client, ana):
    contact_opt_out(contact=ana, source=ConsentSource.OPERATOR)
    url = reverse("admin:messaging_contact_opt_in", args=[ana.pk])
    operator_client.post(url, {"reason": ""})
    ana.refresh_from_db()
    assert ana.opted_out_at is not None
    operator_client.post(url, {"reason": "Asked at the shop"})
    ana.refresh_from_db()
    assert ana.opted_out_at is None
    assert ana.consent_changes.first().reason == "Asked at the shop"
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="contact.opt_in")
    assert (entry.target, entry.partner_id) == (f"contact {ana.pk}", ana.partner_id)


def test_support_sees_contacts_but_cannot_change_consent(client, partner, ana):
    client.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    assert client.get(reverse("admin:messaging_contact_change", args=[ana.pk])).status_code == 200
    response = client.post(reverse("admin:messaging_contact_opt_out", args=[ana.pk]))
    assert response.status_code == 403
    ana.refresh_from_db()
    assert ana.opted_out_at is None


def test_the_import_button_shows_only_to_those_who_may_import(client, operator_client, partner):
    """Found by the demo-role walk (tests/e2e/test_demo_roles_walk.py): support was shown
    "Import contacts", a page that refuses it."""
    url, upload = reverse("admin:messaging_contact_changelist"), "Import contacts"
    assert upload in operator_client.get(url).content.decode()
    client.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    assert upload not in client.get(url).content.decode()
    assert client.get(reverse("admin:messaging_contact_import_upload")).status_code == 403


def test_support_is_offered_only_the_bulk_actions_it_may_run(client, operator_client, partner, ana):
    """Found by the demo-role walk: support saw opt-out, erase, lists and labels in the
    bulk-action menu of the contact list, actions that then changed nothing. It keeps the
    export, a read."""
    url = reverse("admin:messaging_contact_changelist")
    changing = ("opt_out_selected", "erase_selected", "add_to_list", "contacts_label_action")
    operator_html = operator_client.get(url).content.decode()
    assert all(f'value="{name}"' in operator_html for name in changing)
    client.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    html = client.get(url).content.decode()
    assert 'value="export_csv"' in html
    assert not any(f'value="{name}"' in html for name in changing)
    response = client.post(url, {"action": "erase_selected", "_selected_action": [ana.pk]})
    assert response.status_code in (200, 302)
    assert Contact.objects.filter(pk=ana.pk, name=ana.name).exists()


def test_edit_normalises_the_phone_and_refuses_a_bad_one(operator_client, partner, ana):
    url = reverse("admin:messaging_contact_change", args=[ana.pk])
    vip = ContactList.objects.create(partner=partner, name="VIP")
    operator_client.post(
        url,
        {
            "name": "Ana S.",
            "phone": "+55 (11) 98765-0000",
            "variables": "plano = Ouro",
            "lists": [vip.pk],
        },
    )
    ana.refresh_from_db()
    assert (ana.name, ana.phone, ana.extra) == ("Ana S.", "5511987650000", {"plano": "Ouro"})
    assert list(ana.lists.all()) == [vip]
    html = operator_client.post(url, {"name": "Ana", "phone": "abc"}).content.decode()
    assert "Not a phone number" in html


def test_bulk_actions_add_to_a_list_and_opt_out(operator_client, partner, ana):
    bia = Contact.objects.create(partner=partner, phone="5521998765432", name="Bia")
    url = reverse(CHANGELIST)
    ids = [ana.pk, bia.pk]
    operator_client.post(
        url, {"action": "add_to_list", "_selected_action": ids, "list_name": "Feira"}
    )
    assert set(ContactList.objects.get(name="Feira").contacts.all()) == {ana, bia}
    operator_client.post(
        url, {"action": "opt_out_selected", "_selected_action": ids, "reason": "Campaign complaint"}
    )
    assert Contact.objects.filter(opted_out_at__isnull=False).count() == 2
    assert recipient_refusal(partner_id=partner.pk, value=bia.phone).code == RefusalCode.OPTED_OUT


def test_export_to_csv(operator_client, ana, foreign):
    response = operator_client.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [ana.pk, foreign.pk]}
    )
    body = b"".join(response.streaming_content).decode()
    header, row, *rest = body.strip().splitlines()
    assert header.startswith("name,phone,") and header.endswith(",cidade")
    assert row.startswith("Ana Souza,5511987654321,") and row.endswith(",SP")
    assert rest == []  # the foreign contact was not exported


def test_erase_removes_the_data_and_keeps_the_block(operator_client, partner, ana):
    instance = InstanceFactory(partner=partner, name="Sales 1")
    Message.objects.create(
        instance=instance, direction=Direction.INBOUND, chat_id=ana.phone, contact=ana,
        text="Meu CPF é 123", payload={"text": {"message": "Meu CPF é 123"}},
    )  # fmt: skip
    WebhookEvent.objects.create(
        instance=instance, event_type="ReceivedCallback", dedupe_key="k1",
        payload={"phone": ana.phone, "text": {"message": "Meu CPF é 123"}},
    )  # fmt: skip
    response = operator_client.post(reverse("admin:messaging_contact_erase", args=[ana.pk]))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=ana.pk).exists()
    message = Message.objects.get()
    assert (message.text, message.payload, message.contact_id) == ("", {}, None)
    assert ana.phone not in message.chat_id
    assert "CPF" not in str(WebhookEvent.objects.get().payload)
    assert ErasedRecipient.objects.filter(partner=partner).count() == 1
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="contact.erase")
    assert entry.target == f"contact {ana.pk}" and "Ana" not in str(entry.details)
    refusal = recipient_refusal(partner_id=partner.pk, value="(11) 98765-4321")
    assert refusal.code == RefusalCode.ERASED
    from messaging.contact_import import contacts_import

    report = contacts_import(
        partner_id=partner.pk, rows=[["11 98765-4321"]], mapping={"0": "phone"}
    )
    assert report.created == 0 and "Erased" in report.invalid[0]["reason"]


def test_the_import_flow_upload_columns_progress_report(operator_client, partner):
    upload = SimpleUploadedFile(
        "clientes.csv", "Nome;Celular;Cidade\nAna;(11) 98765-4321;SP\nZé;abc;RJ\n".encode()
    )
    response = operator_client.post(
        reverse("admin:messaging_contact_import_upload"),
        {"file": upload, "list_name": "Clientes", "partner": partner.pk},
    )
    job = ContactImport.objects.get()
    assert response["Location"] == reverse("admin:messaging_contact_import", args=[job.pk])
    columns = page(operator_client, response["Location"])
    assert "(11) 98765-4321" in columns and 'value="phone" selected' in columns
    operator_client.post(
        response["Location"], {"column_0": "name", "column_1": "phone", "column_2": "var:cidade"}
    )
    job.refresh_from_db()
    assert job.state == ImportState.QUEUED
    contact_import_run(import_id=job.pk)
    report = page(operator_client, response["Location"])
    assert 'data-count="created">1<' in report and "Not a phone number" in report
    assert Contact.objects.get(phone="5511987654321").lists.get().name == "Clientes"
    # Polled by htmx until done, then the fragment stops asking.
    fragment = operator_client.get(response["Location"], headers={"HX-Request": "true"})
    assert "hx-trigger" not in fragment.content.decode()


def test_an_unreadable_upload_says_why(operator_client, partner):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n")
    html = operator_client.post(
        reverse("admin:messaging_contact_import_upload"), {"file": upload, "partner": partner.pk}
    ).content.decode()
    assert ".csv or an .xlsx" in html
    assert not ContactImport.objects.exists()


def test_a_foreign_import_is_a_404(client, other_partner, partner):
    job = ContactImport.objects.create(partner=other_partner, file_name="x.csv", stored_path="x")
    client.force_login(MembershipFactory(partner=partner, role=Role.OPERATOR).user)
    assert client.get(reverse("admin:messaging_contact_import", args=[job.pk])).status_code == 404


# -- one contact by hand (issue 12) --------------------------------------------------------

ADD = "admin:messaging_contact_add"


def test_add_a_contact_by_hand_normalises_the_phone_and_keeps_variables_and_lists(
    operator_client, partner
):
    vip = ContactList.objects.create(partner=partner, name="VIP")
    assert "Add a contact" in page(operator_client, reverse(ADD))
    response = operator_client.post(
        reverse(ADD),
        {
            "partner": partner.pk,
            "name": " Carla ",
            "phone": "(11) 98765-1111",
            "variables": "cidade = Campinas",
            "lists": [vip.pk],
        },
    )
    contact = Contact.objects.get(partner=partner)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:messaging_contact_change", args=[contact.pk])
    assert (contact.name, contact.phone, contact.extra) == (
        "Carla",
        "5511987651111",
        {"cidade": "Campinas"},
    )
    assert list(contact.lists.all()) == [vip]


def test_add_refuses_a_bad_a_duplicate_and_an_erased_phone_with_a_reason(
    operator_client, partner, ana
):
    def refused(phone: str) -> str:
        response = operator_client.post(reverse(ADD), {"partner": partner.pk, "phone": phone})
        assert response.status_code == 200
        return response.content.decode()

    assert "Not a phone number" in refused("abc")
    assert "This field is required" in refused("")
    html = refused("+55 11 98765-4321")  # Ana's number, typed another way
    assert "already in the contact book" in html
    assert reverse("admin:messaging_contact_change", args=[ana.pk]) in html
    ana.whatsapp_id, ana.phone = "551187654321", "5511987654321"
    ana.save()
    assert "already in the contact book" in refused("551187654321")  # WhatsApp's own id
    operator_client.post(reverse("admin:messaging_contact_erase", args=[ana.pk]))
    assert "erased at their request" in refused("11 98765-4321")
    assert Contact.objects.count() == 0


def test_add_is_for_operators_of_the_partner_only(client, partner, other_partner, foreign):
    client.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    assert client.get(reverse(ADD)).status_code == 403
    operator = MembershipFactory(partner=partner, role=Role.OPERATOR).user
    client.force_login(operator)
    response = client.post(reverse(ADD), {"partner": other_partner.pk, "phone": "11 98765-2222"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    mine = ContactList.objects.create(partner=partner, name="Mine")
    theirs = ContactList.objects.create(partner=other_partner, name="Theirs")
    response = client.post(
        reverse(ADD), {"partner": partner.pk, "phone": "11 98765-2222", "lists": [theirs.pk]}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.post(reverse(ADD), {"partner": partner.pk, "phone": "11 98765-2222", "lists": [mine.pk]})
    assert Contact.objects.get(phone="5511987652222").partner == partner
    assert "Add contact" in page(client, reverse(CHANGELIST))


def test_bulk_erase_confirms_with_how_many_then_erases_and_audits_each(
    operator_client, partner, ana, foreign
):
    from audit.models import AuditEntry

    bia = Contact.objects.create(partner=partner, phone="5521998765432", name="Bia")
    instance = InstanceFactory(partner=partner, name="Sales 1")
    Message.objects.create(
        instance=instance, direction=Direction.INBOUND, chat_id=bia.phone, contact=bia, text="Oi"
    )
    ids = [ana.pk, bia.pk, foreign.pk]  # the foreign one is not this operator's
    url = reverse(CHANGELIST)
    html = operator_client.post(
        url, {"action": "erase_selected", "_selected_action": ids}
    ).content.decode()
    assert "Erasing 2 contacts" in html and "Foreign" not in html
    assert Contact.objects.count() == 3  # nothing erased before the confirmation
    response = operator_client.post(
        url, {"action": "erase_selected", "_selected_action": ids, "confirm": "yes"}
    )
    assert response.status_code == 302
    assert list(Contact.objects.all()) == [foreign]
    assert Message.objects.get().text == ""
    assert ErasedRecipient.objects.filter(partner=partner).count() == 2
    targets = set(
        AuditEntry.objects.filter(action="contact.erase").values_list("target", flat=True)
    )
    assert targets == {f"contact {ana.pk}", f"contact {bia.pk}"}
    refusal = recipient_refusal(partner_id=partner.pk, value="(21) 99876-5432")
    assert refusal.code == RefusalCode.ERASED


def test_bulk_erase_of_only_foreign_or_unoperable_contacts_erases_nothing(
    client, partner, ana, foreign
):
    client.force_login(MembershipFactory(partner=partner, role=Role.SUPPORT).user)
    client.post(
        reverse(CHANGELIST),
        {"action": "erase_selected", "_selected_action": [ana.pk, foreign.pk], "confirm": "yes"},
    )
    assert Contact.objects.count() == 2
