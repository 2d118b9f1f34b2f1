"""Every /api/ route refuses another partner's key: each operation of the schema is called
with a key of Globex (a partner admin: it may do everything at home) on Acme's objects."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from messaging.campaigns.models import Campaign
from messaging.models import ContactImport, Message
from partners.models import RegisteredNumber
from tests.webhooks.factories import OutboundMessageFactory, WebhookEventFactory

pytestmark = pytest.mark.django_db


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.fixture
def acme(instance, partner):
    from django.utils import timezone

    from audit.models import AuditAction, AuditEntry
    from instances.business.models import Collection, Label, Product
    from messaging.models import Contact, ContactList

    message = OutboundMessageFactory(instance=instance, chat_id="5511911110000")
    event = WebhookEventFactory(instance=instance)
    contact = Contact.objects.create(partner=partner, phone="5511911110000")
    contact_list = ContactList.objects.create(partner=partner, name="Acme list")
    label = Label.objects.create(
        instance=instance, label_id="1", name="VIP", read_at=timezone.now()
    )
    number = RegisteredNumber.objects.create(partner=partner, whatsapp="5511987654321")
    campaign = Campaign.objects.create(partner=partner, name="Acme campaign", seed=1)
    job = ContactImport.objects.create(partner=partner, file_name="a.csv", stored_path="none")
    product = Product.objects.create(
        instance=instance, product_id="p1", name="Mouse", read_at=timezone.now()
    )
    collection = Collection.objects.create(
        instance=instance, collection_id="c1", name="C", read_at=timezone.now()
    )
    entry = AuditEntry.objects.create(partner=partner, action=AuditAction.PACE_CHANGE)
    return {
        "instances": instance.pk,
        "messages": message.pk,
        "webhook-events": event.pk,
        "contacts": contact.pk,
        "lists": contact_list.pk,
        "labels": label.pk,
        "partners": partner.pk,
        "numbers": number.pk,
        "campaigns": campaign.pk,
        "contact-imports": job.pk,
        "products": product.pk,
        "collections": collection.pk,
        "audit-log": entry.pk,
        "chat_id": message.chat_id,
        "month": "2027-06",
        "instance": instance,
        "partner": partner,
    }


def fill(path: str, acme: dict) -> str:
    resource = re.match(r"/api/([^/]+)/", path).group(1)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "instance_pk":
            return str(acme["instances"])
        if name in ("chat_id", "month"):
            return acme[name]
        return str(acme[resource])

    return re.sub(r"\{(\w+)\}", value, path)


BODIES = {
    ("POST", "/api/messages/"): lambda acme: {
        "instance": acme["instances"], "chat_id": "5511999998888", "kind": "text",
        "message": "hi",
    },
    ("POST", "/api/instances/{id}/phone-code/"): lambda acme: {"phone": "5511999998888"},
    ("PUT", "/api/instances/{id}/settings/"): lambda acme: {
        "auto_read_message": True, "auto_read_status": True, "call_reject_auto": False,
    },
    # Creating something at Acme's partner or on Acme's number:
    ("POST", "/api/contacts/"): lambda acme: {"partner": acme["partners"], "phone": "11999998888"},
    ("POST", "/api/contacts/import/"): lambda acme: {
        "partner": acme["partners"], "rows": [{"phone": "11999998888"}],
    },
    ("POST", "/api/lists/"): lambda acme: {"partner": acme["partners"], "name": "x"},
    ("POST", "/api/labels/"): lambda acme: {"instance": acme["instances"], "name": "x"},
    ("POST", "/api/labels/sync/"): lambda acme: {"instance": acme["instances"]},
    ("POST", "/api/numbers/"): lambda acme: {
        "partner": acme["partners"], "whatsapp": "5511987654321",
    },
    # A campaign sent from Acme's number (its partner is the sender's):
    ("POST", "/api/campaigns/"): lambda acme: {
        "partner": acme["partners"], "name": "x", "senders": [acme["instances"]],
        "variants": [{"kind": "text", "message": "hi"}],
    },
    ("POST", "/api/contact-imports/"): lambda acme: {
        "partner": acme["partners"],
        "file": SimpleUploadedFile("leads.csv", b"phone\n11999998888\n", content_type="text/csv"),
    },
    ("POST", "/api/products/"): lambda acme: {
        "instance": acme["instances"], "name": "x", "price": 1,
    },
    ("POST", "/api/products/sync/"): lambda acme: {"instance": acme["instances"]},
    ("POST", "/api/products/cart/"): lambda acme: {
        "instance": acme["instances"], "cart_enabled": True,
    },
    ("POST", "/api/collections/"): lambda acme: {"instance": acme["instances"], "name": "x"},
    ("POST", "/api/campaigns/preview/"): lambda acme: {
        "partner": acme["partners"], "name": "x", "senders": [acme["instances"]],
        "variants": [{"kind": "text", "message": "hi"}],
    },
}  # fmt: skip
# Uploads (multipart bodies).
MULTIPART = {("POST", "/api/contact-imports/")}
# Reads that name Acme's partner in the query string.
QUERIES = {
    ("GET", "/api/numbers/limits/"): lambda acme: f"?partner={acme['partners']}",
}


def test_the_schema_lists_every_resource():
    paths = {path for _method, path in operations()}
    assert {
        "/api/instances/{id}/",
        "/api/messages/{id}/",
        "/api/webhook-events/{id}/",
        "/api/contacts/{id}/",
        "/api/lists/{id}/",
        "/api/labels/{id}/",
        "/api/partners/{id}/",
        "/api/numbers/{id}/",
        "/api/campaigns/{id}/",
    } <= paths


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_route_refuses_another_partners_key(method, path, acme, other_api):
    query = QUERIES.get((method, path), lambda acme: "")(acme)
    url = fill(path, acme) + query
    body = BODIES.get((method, path), lambda acme: {})(acme)
    kind = "multipart" if (method, path) in MULTIPART else "json"
    response = getattr(other_api, method.lower())(url, body or None, format=kind)
    if "{" in path or body.get("instance") or body.get("partner") or query:
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["errors"][0]["code"] == "not_found"
    else:
        # A collection: answered, with none of Acme's rows.
        assert response.status_code == 200, (method, url, response.content)
        resource = re.match(r"/api/([^/]+)/", path).group(1)
        ids = [row["id"] for row in response.json()["results"]]
        assert acme[resource] not in ids, (method, url, ids)
    assert Message.objects.filter(instance=acme["instance"]).count() == 1  # nothing was sent
