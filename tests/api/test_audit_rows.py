"""Every API action writes the audit row its page action writes, with the key as the actor."""

from __future__ import annotations

import pytest

from audit.models import AuditAction, AuditEntry
from messaging.models import Contact
from tests.api.conftest import key_client, make_key
from tests.instances.conftest import make_pair
from tests.webhooks.factories import OutboundMessageFactory, WebhookEventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> list[tuple[str, str, str]]:
    return [(e.action, e.actor_name, e.target) for e in AuditEntry.objects.order_by("pk")]


def test_instance_actions_name_the_key_as_actor(api, live_url, partner, operator_key):
    ours, _box = make_pair(partner, connected=True)
    assert api.post(f"/api/instances/{ours.pk}/restart/").status_code == 200
    assert api.post(f"/api/instances/{ours.pk}/webhooks/", {}, format="json").status_code == 200
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.action for e in entries] == [AuditAction.INSTANCE_RESTART,
                                          AuditAction.INSTANCE_WEBHOOKS]  # fmt: skip
    prefix = operator_key.split(".")[0]
    for entry in entries:
        assert entry.actor is None  # a partner key is no person
        assert entry.actor_name == f"API key CRM ({prefix}…)"
        assert entry.partner == partner and entry.instance == ours
        assert entry.details["api_key"] == prefix and entry.details["ok"] is True
        assert operator_key not in str(entry.details)  # the secret part never


def test_a_staff_persons_key_names_the_person_and_the_key(live_url, partner, staff_user):
    ours, _box = make_pair(partner, connected=True)
    secret = make_key(staff_user)
    assert key_client(secret).post(f"/api/instances/{ours.pk}/disconnect/").status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.actor == staff_user
    assert entry.actor_name == f"{staff_user.username} · API key CRM ({secret.split('.')[0]}…)"


def test_message_and_contact_actions_are_audited(api, instance, partner):
    message = OutboundMessageFactory(instance=instance, state="failed")
    assert api.post(f"/api/messages/{message.pk}/retry/").status_code == 200
    assert api.post(f"/api/messages/{message.pk}/cancel/").status_code == 200
    contact = Contact.objects.create(partner=partner, phone="5511911110000")
    assert api.post(f"/api/contacts/{contact.pk}/opt-out/", {"reason": "asked"}).status_code == 200
    # Nothing changed: no row (the page writes none either).
    assert api.post(f"/api/contacts/{contact.pk}/opt-out/", {"reason": "asked"}).status_code == 200
    assert api.post(f"/api/contacts/{contact.pk}/opt-in/", {"reason": "called"}).status_code == 200
    assert api.delete(f"/api/contacts/{contact.pk}/").status_code == 204
    actions = [(a, t) for a, _n, t in _rows()]
    assert actions == [
        (AuditAction.MESSAGE_RETRY, f"message {message.pk}"),
        (AuditAction.MESSAGE_CANCEL, f"message {message.pk}"),
        (AuditAction.CONTACT_OPT_OUT, f"contact {contact.pk}"),
        (AuditAction.CONTACT_OPT_IN, f"contact {contact.pk}"),
        (AuditAction.CONTACT_ERASE, f"contact {contact.pk}"),
    ]


def test_replay_is_audited(partner, partner_admin, instance):
    event = WebhookEventFactory(instance=instance)
    client = key_client(make_key(partner_admin, partner, "partner_admin"))
    assert client.post(f"/api/webhook-events/{event.pk}/replay/").status_code == 200
    [(action, name, target)] = _rows()
    assert action == AuditAction.WEBHOOK_REPLAY and name.startswith("API key CRM (")
    assert target == f"event {event.pk} ({event.event_type})"


def test_the_audit_log_reads_as_the_page_scopes_it(partner, partner_admin, other_partner, instance):
    from audit.services import audit_record

    audit_record(actor=partner_admin, partner=partner, action=AuditAction.PACE_CHANGE,
                 instance=instance, target="mine")  # fmt: skip
    audit_record(actor=None, partner=partner, action=AuditAction.MESSAGE_CANCEL, target="m 1")
    audit_record(actor=None, partner=other_partner, action=AuditAction.PACE_CHANGE, target="no")
    support = key_client(make_key(partner_admin, partner, "support"))
    rows = support.get("/api/audit-log/").json()["results"]
    assert [r["target"] for r in rows] == ["m 1", "mine"]
    assert rows[1]["actor"] == partner_admin.username and rows[1]["instance"] == instance.pk
    only = support.get("/api/audit-log/?action=pace.change&actor=" + partner_admin.username)
    assert [r["target"] for r in only.json()["results"]] == ["mine"]
    assert support.get("/api/audit-log/?action=nope").status_code == 400
    operator = key_client(make_key(partner_admin, partner, "operator"))
    assert operator.get("/api/audit-log/").status_code == 403
    # Reading the log writes nothing to it.
    assert AuditEntry.objects.count() == 3


def test_business_actions_write_the_rows_their_pages_write(api, live_url, partner, operator_key):
    """Labels, products, collections, the cart and the company profile through the API: the
    same actions (and details) as the Labels, Catalog and Company tabs, the key as actor."""
    ours, _box = make_pair(partner, connected=True)
    label = api.post("/api/labels/", {"instance": ours.pk, "name": "VIP", "color": 3}).json()
    api.patch(f"/api/labels/{label['id']}/", {"name": "Gold"})
    api.post(f"/api/labels/{label['id']}/chats/", {"chat_ids": ["5511988887777"], "on": True})
    assert api.delete(f"/api/labels/{label['id']}/").status_code == 204
    mouse = {"instance": ours.pk, "name": "Mouse", "price": 100, "currency": "brl",
             "image_url": "https://example.com/mouse.png"}  # fmt: skip
    product = api.post("/api/products/", mouse, format="json").json()
    api.patch(f"/api/products/{product['id']}/", {**mouse, "name": "Mouse Pro"}, format="json")
    mice = {"instance": ours.pk, "name": "Mice", "products": [product["id"]]}
    coll = api.post("/api/collections/", mice, format="json").json()
    out = {"products": [product["id"]], "add": False}
    api.post(f"/api/collections/{coll['id']}/products/", out, format="json")
    api.patch(f"/api/collections/{coll['id']}/", {"name": "Rodents"}, format="json")
    assert api.delete(f"/api/collections/{coll['id']}/").status_code == 204
    api.post("/api/products/cart/", {"instance": ours.pk, "cart_enabled": True}, format="json")
    assert api.delete(f"/api/products/{product['id']}/").status_code == 204
    api.patch(f"/api/instances/{ours.pk}/company-profile/", {"email": "hi@example.com"},
              format="json")  # fmt: skip
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.action for e in entries] == [
        AuditAction.LABEL_CREATE, AuditAction.LABEL_EDIT, AuditAction.CHAT_LABEL,
        AuditAction.LABEL_DELETE, AuditAction.PRODUCT_CREATE, AuditAction.PRODUCT_EDIT,
        AuditAction.COLLECTION_CREATE, AuditAction.COLLECTION_PRODUCTS,
        AuditAction.COLLECTION_RENAME, AuditAction.COLLECTION_DELETE,
        AuditAction.CATALOG_SETTINGS, AuditAction.PRODUCT_DELETE, AuditAction.COMPANY_PROFILE,
    ]  # fmt: skip
    prefix = operator_key.split(".")[0]
    for entry in entries:
        assert entry.actor_name == f"API key CRM ({prefix}…)", entry.action
        assert entry.instance == ours and entry.details["ok"] is True, entry.details
        assert operator_key not in str(entry.details)
    details = {e.action: e.details for e in entries}
    assert details[AuditAction.LABEL_EDIT]["label"] == "VIP"
    assert details[AuditAction.LABEL_EDIT]["name"] == "Gold"
    assert details[AuditAction.COLLECTION_CREATE]["products"] == ["Mouse Pro"]
    assert details[AuditAction.COLLECTION_DELETE]["collection"] == "Rodents"
    assert details[AuditAction.PRODUCT_DELETE]["product"] == "Mouse Pro"
    assert details[AuditAction.CATALOG_SETTINGS]["cart"] is True
