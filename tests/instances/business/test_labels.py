"""Labels against the sandbox over real HTTP: sync, create, rename, recolour, delete, chat
labels one by one and in bulk, and the pages (scoping, capabilities, disabled state)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from instances.business.labels import (
    chat_label_set,
    chat_labels_apply,
    label_create,
    label_delete,
    label_edit,
    labels_sync,
)
from instances.business.models import BusinessAccount, ChatLabel, Label
from instances.business.selectors import contacts_with_label, label_chat_ids, labels_with_counts
from messaging.models import Contact, Message
from partners.roles import Role
from sandbox.models import SandboxChat, SandboxTag
from tests.factories import InstanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "5511988887777"


def test_sync_reads_labels_colours_and_the_labels_of_chats(paired):
    ours, box = paired
    vip = SandboxTag.objects.create(instance=box, name="VIP", color=3)
    SandboxTag.objects.create(instance=box, name="Paid", color=5)
    SandboxChat.objects.create(instance=box, phone=CUSTOMER, tags=[str(vip.pk)])
    SandboxChat.objects.create(instance=box, phone="5511977776666", tags=[])

    outcome = labels_sync(instance=ours)

    assert outcome.ok, outcome.text
    assert outcome.value == 2
    account = BusinessAccount.objects.get(instance=ours)
    assert account.label_colors["3"] == "#DFAEF0"
    assert account.labels_read_at is not None
    counts = {lb.name: lb.chat_count for lb in labels_with_counts(instance=ours)}
    assert counts == {"VIP": 1, "Paid": 0}
    label = Label.objects.get(instance=ours, name="VIP")
    assert label.label_id == str(vip.pk) and label.color == 3
    assert list(label_chat_ids(label_ids=[label.pk])) == [CUSTOMER]


def test_sync_drops_what_zapi_no_longer_has(paired):
    ours, box = paired
    tag = SandboxTag.objects.create(instance=box, name="Old", color=1)
    chat = SandboxChat.objects.create(instance=box, phone=CUSTOMER, tags=[str(tag.pk)])
    assert labels_sync(instance=ours).ok
    chat.tags = []
    chat.save()
    assert labels_sync(instance=ours).ok
    assert not ChatLabel.objects.filter(label__instance=ours).exists()
    tag.delete()
    assert labels_sync(instance=ours).ok
    assert not Label.objects.filter(instance=ours).exists()


def test_create_rename_recolour_delete_round_trip(paired):
    ours, box = paired
    created = label_create(instance=ours, name="New lead", color=2)
    assert created.ok, created.text
    label = created.value
    remote = SandboxTag.objects.get(instance=box, pk=int(label.label_id))
    assert (remote.name, remote.color) == ("New lead", 2)

    assert label_edit(label=label, name="Hot lead", color=7).ok
    remote.refresh_from_db()
    assert (remote.name, remote.color) == ("Hot lead", 7)
    label.refresh_from_db()
    assert (label.name, label.color) == ("Hot lead", 7)

    assert label_delete(label=label).ok
    assert not SandboxTag.objects.filter(pk=remote.pk).exists()
    assert not Label.objects.filter(pk=label.pk).exists()


def test_a_colour_zapi_refuses_is_told_in_words_and_nothing_is_stored(paired):
    ours, _box = paired
    outcome = label_create(instance=ours, name="Bad", color=99)
    assert not outcome.ok
    assert "400" in outcome.text
    assert not Label.objects.filter(instance=ours).exists()


def test_label_a_chat_and_take_it_off(paired):
    ours, box = paired
    label = label_create(instance=ours, name="Waiting", color=0).value
    assert chat_label_set(label=label, chat_id="+55 11 98888-7777", on=True).ok
    remote = SandboxChat.objects.get(instance=box, phone=CUSTOMER)
    assert remote.tags == [label.label_id]
    assert list(label_chat_ids(label_ids=[label.pk])) == [CUSTOMER]

    assert chat_label_set(label=label, chat_id=CUSTOMER, on=False).ok
    remote.refresh_from_db()
    assert remote.tags == []
    assert not ChatLabel.objects.filter(label=label).exists()


def test_bulk_labels_every_chat_and_contacts_filter_by_it(paired):
    ours, box = paired
    label = label_create(instance=ours, name="Paid", color=5).value
    chats = ["5511900000001", "5511900000002", "5511900000003"]
    outcomes = chat_labels_apply(label=label, chat_ids=chats, on=True)
    assert all(o.ok for o in outcomes)
    assert sorted(label_chat_ids(label_ids=[label.pk])) == chats
    for phone in [*chats[:2], "5511900000009"]:
        Contact.objects.create(partner=ours.partner, phone=phone)
    found = contacts_with_label(Contact.objects.all(), label_ids=[label.pk])
    assert sorted(found.values_list("phone", flat=True)) == chats[:2]
    assert all(
        c.tags == [label.label_id]
        for c in SandboxChat.objects.filter(instance=box, phone__in=chats)
    )


def test_unknown_label_at_zapi_is_a_failed_outcome(paired):
    ours, _box = paired
    ghost = Label.objects.create(
        instance=ours, label_id="999999", name="Ghost", read_at="2026-01-01T00:00Z"
    )
    outcome = chat_label_set(label=ghost, chat_id=CUSTOMER, on=True)
    assert not outcome.ok
    assert "Tag not found" in outcome.text
    assert not ChatLabel.objects.exists()


# -- the pages ------------------------------------------------------------------------------


def _url(name: str, instance) -> str:
    return reverse(f"admin:instances_instance_{name}", args=[instance.pk])


def test_labels_page_shows_swatches_counts_and_chats(paired, operator_client):
    ours, box = paired
    tag = SandboxTag.objects.create(instance=box, name="VIP <b>", color=1)
    SandboxChat.objects.create(instance=box, phone=CUSTOMER, tags=[str(tag.pk)])
    response = operator_client.post(_url("labels_sync", ours), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 label read from Z-API" in html
    assert 'fill="#64C4FF"' in html  # colour 1 of the sandbox's palette
    assert "VIP &lt;b&gt;" in html  # hostile names are escaped
    assert CUSTOMER in html
    assert 'class="label-count">1<' in html


def test_create_edit_delete_through_the_page(paired, operator_client):
    ours, box = paired
    operator_client.post(_url("labels_create", ours), {"name": "Lead", "color": "4"})
    label = Label.objects.get(instance=ours)
    operator_client.post(
        _url("labels_edit", ours),
        {"label": label.pk, f"l{label.pk}-name": "Lead 2", f"l{label.pk}-color": "6"},
    )
    assert SandboxTag.objects.filter(instance=box, name="Lead 2", color=6).exists()
    operator_client.post(
        _url("labels_chat", ours), {"label": label.pk, "chat_id": CUSTOMER, "on": "1"}
    )
    assert SandboxChat.objects.get(instance=box, phone=CUSTOMER).tags == [label.label_id]
    response = operator_client.post(
        _url("labels_bulk", ours),
        {"label": label.pk, "chat_ids": f"{CUSTOMER}\n5511900000005", "on": "remove"},
        follow=True,
    )
    assert "2 of 2 chats done" in response.content.decode()
    operator_client.post(_url("labels_delete", ours), {"label": label.pk})
    assert not SandboxTag.objects.filter(instance=box).exists()


def test_a_chat_id_that_is_none_is_refused_in_words(paired, operator_client):
    ours, _box = paired
    operator_client.post(_url("labels_create", ours), {"name": "Lead", "color": "4"})
    label = Label.objects.get(instance=ours)
    one = operator_client.post(
        _url("labels_chat", ours), {"label": label.pk, "chat_id": "5511/evil", "on": "1"},
        follow=True,
    )  # fmt: skip
    assert "5511/evil is not a chat id" in one.content.decode()
    # What people type in bulk goes through the phone normaliser, which says why per line.
    bulk = operator_client.post(
        _url("labels_bulk", ours), {"label": label.pk, "chat_ids": "5511/evil", "on": "add"},
        follow=True,
    )  # fmt: skip
    assert "Fix these lines: 5511/evil: Not a phone number" in bulk.content.decode()
    assert not ChatLabel.objects.exists()


def test_empty_name_is_an_error_not_a_500(paired, operator_client):
    ours, _box = paired
    response = operator_client.post(_url("labels_create", ours), {"name": " "}, follow=True)
    assert response.status_code == 200
    assert "Label not created" in response.content.decode()


def test_a_label_of_another_instance_is_404(paired, operator_client, partner):
    ours, _box = paired
    other = InstanceFactory(partner=partner)
    foreign = Label.objects.create(
        instance=other, label_id="1", name="X", read_at="2026-01-01T00:00Z"
    )
    response = operator_client.post(_url("labels_delete", ours), {"label": foreign.pk})
    assert response.status_code == 404
    assert Label.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("name", ["labels", "labels_sync", "labels_create"])
def test_foreign_instance_is_404(name, operator_client, other_partner):
    foreign = InstanceFactory(partner=other_partner)
    response = (
        operator_client.get(_url(name, foreign))
        if name == "labels"
        else operator_client.post(_url(name, foreign))
    )
    assert response.status_code == 404


def test_viewer_sees_labels_but_cannot_change_them(instance, client):
    member = MembershipFactory(partner=instance.partner, role=Role.PARTNER_MEMBER).user
    client.force_login(member)
    page = client.get(_url("labels", instance))
    assert page.status_code == 200
    assert "Create at Z-API" not in page.content.decode()
    assert client.post(_url("labels_create", instance), {"name": "X"}).status_code == 403


def test_non_business_number_shows_the_tab_disabled_and_refuses_actions(instance, operator_client):
    instance.settings_snapshot = {"device": {"isBusiness": False}}
    instance.save()
    overview = operator_client.get(_url("overview", instance)).content.decode()
    assert 'class="tab-disabled"' in overview
    assert "Not a WhatsApp Business number" in overview
    page = operator_client.get(_url("labels", instance)).content.decode()
    assert "Not available on this number" in page and "Sync from Z-API" not in page
    response = operator_client.post(_url("labels_create", instance), {"name": "X"}, follow=True)
    assert "Not a WhatsApp Business number" in response.content.decode()
    assert not Label.objects.exists()


def test_conversation_page_shows_the_chat_labels(paired, operator_client):
    ours, _box = paired
    label = label_create(instance=ours, name="Waiting", color=0).value
    chat_label_set(label=label, chat_id=CUSTOMER, on=True)
    label_create(instance=ours, name="Other", color=1)
    url = reverse("admin:messaging_conversation", args=[ours.pk, CUSTOMER])
    html = operator_client.get(url).content.decode()
    assert 'id="chat-labels"' in html
    assert "Waiting" in html and "Remove Waiting" in html
    assert '<option value="' in html and "Other" in html


def test_the_sync_task_reads_labels_of_a_number(paired):
    from instances.business.tasks import business_labels_sync_task

    ours, box = paired
    SandboxTag.objects.create(instance=box, name="From the phone", color=4)
    result = business_labels_sync_task.run(ours.pk)
    assert "1 label read" in result
    assert Label.objects.get(instance=ours).name == "From the phone"
    assert business_labels_sync_task.run(10**9) == "gone"


def test_compose_filters_recent_chats_by_label(paired, operator_client):
    from messaging.models import Direction

    ours, _box = paired
    label = label_create(instance=ours, name="Paid", color=5).value
    chat_label_set(label=label, chat_id=CUSTOMER, on=True)
    for chat in (CUSTOMER, "5511977776666"):
        Message.objects.create(instance=ours, direction=Direction.INBOUND, chat_id=chat, text="hi")
    url = reverse("admin:messaging_compose", args=[ours.pk])
    everything = operator_client.get(url).content.decode()
    assert CUSTOMER in everything and "5511977776666" in everything
    filtered = operator_client.get(url + f"?label={label.pk}").content.decode()
    assert CUSTOMER in filtered and "5511977776666" not in filtered
    # a label of another number is ignored, not an error
    assert operator_client.get(url + "?label=999999").status_code == 200


def test_a_personal_number_learnt_from_zapi_gets_the_tabs_disabled(paired, operator_client):
    from instances.services import instance_details_refresh

    ours, box = paired
    box.is_business = False
    box.save()
    assert instance_details_refresh(instance=ours).ok
    ours.refresh_from_db()
    assert ours.settings_snapshot["device"]["isBusiness"] is False
    html = operator_client.get(_url("overview", ours)).content.decode()
    for tab in ("Labels", "Catalog", "Company profile"):
        assert 'aria-disabled="true" title="Not a WhatsApp Business number' in html
        assert f">{tab}</span>" in html
    compose = operator_client.get(reverse("admin:messaging_compose", args=[ours.pk]))
    assert 'value="catalog"' not in compose.content.decode()
