"""Schemathesis against the live schema, over real HTTP, with the sandbox behind it: every
operation gets random valid and invalid input; no answer may be a 5xx, and every answer must
match the schema (status, content type, body, headers).

Run time stays bounded for CI by the number of examples per operation (``EXAMPLES``); half
the drawn ids are swapped for ids of real objects, so the operations reach their services
and not only the 404 of an unknown id."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from instances.business.models import Label
from messaging.campaigns.services import VariantSpec, campaign_create
from messaging.contact_import import contact_import_create
from messaging.models import Contact, ContactList
from partners.models import RegisteredNumber
from partners.roles import Role
from tests.api.conftest import make_key
from tests.factories import MembershipFactory
from tests.instances.conftest import make_pair
from tests.webhooks.factories import OutboundMessageFactory, WebhookEventFactory

EXAMPLES = 10


def served_schema() -> dict:
    """The schema exactly as ``/api/schema/`` serves it (same generator, same settings);
    ``test_the_schema_tested_is_the_schema_served`` proves it. Built at collection, since
    schemathesis's lazy fixture loader does not run under pytest 9."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(served_schema())


@pytest.fixture
def world(live_url, partner, settings):
    """Real objects of the key's partner: a paired and an unpaired sandbox number, messages,
    an event. The rate limit is out of the way: this is about answers, not throttling."""
    settings.API_RATE_PER_KEY = "100000/min"
    # Schemathesis tries wrong passwords on purpose; django-axes would lock the test client
    # out after a few (a 429, tested in tests/core): here the answer to check is the 401.
    settings.AXES_FAILURE_LIMIT = 1_000_000
    admin = MembershipFactory(partner=partner, role=Role.PARTNER_ADMIN).user
    paired, _ = make_pair(partner, connected=True)
    unpaired, _ = make_pair(partner, connected=False)
    message = OutboundMessageFactory(instance=paired)
    event = WebhookEventFactory(instance=paired)
    contact = Contact.objects.create(partner=partner, phone="5511911110000", name="Ana")
    contact_list = ContactList.objects.create(partner=partner, name="Leads")
    label = Label.objects.create(instance=paired, label_id="1", name="VIP", read_at=timezone.now())
    number = RegisteredNumber.objects.create(partner=partner, whatsapp="5511987654321")
    job = contact_import_create(
        partner_id=partner.pk, user=None,
        upload=SimpleUploadedFile("leads.csv", b"telefone,nome\n11999998888,Ana\n"),
    )  # fmt: skip
    campaign = campaign_create(
        partner=partner,
        name="Black Friday",
        senders=[paired],
        audience={"lists": [contact_list.pk]},
        variants=[VariantSpec(kind="text", fields={"message": "Oi {{nome}}"})],
    )
    return {
        "headers": {"Authorization": f"Bearer {make_key(admin, partner, Role.PARTNER_ADMIN)}"},
        "base_url": live_url,
        "ids": {
            "instances": [paired.pk, unpaired.pk],
            "messages": [message.pk],
            "webhook-events": [event.pk],
            "contacts": [contact.pk],
            "lists": [contact_list.pk],
            "labels": [label.pk],
            "partners": [partner.pk],
            "numbers": [number.pk],
            "campaigns": [campaign.pk],
            "contact-imports": [job.pk],
        },
    }


@pytest.mark.django_db
def test_the_schema_tested_is_the_schema_served(operator_client):
    import json

    served = operator_client.get("/api/schema/?format=json").json()
    assert served == json.loads(json.dumps(served_schema(), default=str))


def real_ids(case, world) -> None:
    """Swap every other drawn id for a real one of the same resource."""
    resource = re.match(r"/api/([^/]+)/", case.path)
    ids = world["ids"].get(resource.group(1) if resource else "", [])
    for name in ("id", "instance_pk"):
        value = (case.path_parameters or {}).get(name)
        if ids and isinstance(value, int) and value % 2 == 0:
            source = world["ids"]["instances"] if name == "instance_pk" else ids
            case.path_parameters[name] = source[(value // 2) % len(source)]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_by_its_schema_and_never_5xx(case, world):
    real_ids(case, world)
    case.call_and_validate(
        base_url=world["base_url"],
        headers=world["headers"],
        # Schema-valid input may still be refused with a 400 that says why: which fields a
        # message needs depends on its kind, an opted-out contact is refused. The other
        # checks all run: no 5xx, invalid input rejected, answers as the schema says.
        excluded_checks=[positive_data_acceptance],
    )
