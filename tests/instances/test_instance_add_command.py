import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from instances.models import Instance
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command("instance_add", *args, stdout=out)
    return json.loads(out.getvalue())


def test_adds_an_instance_and_prints_its_pk_and_webhook_url(partner, settings):
    settings.PUBLIC_BASE_URL = "https://fleet.example.com"
    printed = run("--zapi-id", "3C01", "--token", "T0KEN-1234567890", "--name", "Sales")
    instance = Instance.objects.get(pk=printed["pk"])
    assert (instance.zapi_id, instance.token, instance.name) == (
        "3C01",
        "T0KEN-1234567890",
        "Sales",
    )
    assert instance.partner == partner
    assert printed["webhook_url"] == instance.webhook_url
    assert printed["webhook_url"].startswith(f"https://fleet.example.com/webhooks/{instance.pk}/")
    assert instance.webhook_secret in printed["webhook_url"]
    assert "T0KEN-1234567890" not in json.dumps(printed)


def test_client_token_and_named_partner(partner, other_partner):
    printed = run(
        "--zapi-id", "3C02", "--token", "T", "--client-token", "CT", "--partner", "Globex"
    )
    instance = Instance.objects.get(pk=printed["pk"])
    assert (instance.partner, instance.client_token) == (other_partner, "CT")


def test_unknown_partner_is_a_clear_error(partner):
    with pytest.raises(CommandError, match=r"No partner named 'Nope'.*Acme"):
        run("--zapi-id", "3C03", "--token", "T", "--partner", "Nope")


def test_partner_must_be_named_when_there_are_several(partner, other_partner):
    with pytest.raises(CommandError, match="--partner"):
        run("--zapi-id", "3C04", "--token", "T")


def test_the_same_zapi_id_twice_is_refused_and_changes_nothing(partner):
    run("--zapi-id", "3C05", "--token", "T")
    with pytest.raises(CommandError, match="already registered"):
        run("--zapi-id", "3C05", "--token", "OTHER")
    assert Instance.objects.get(zapi_id="3C05").token == "T"


def test_partner_instance_limit_is_enforced():
    PartnerFactory(name="Small", max_instances=1)
    run("--zapi-id", "3C06", "--token", "T")
    with pytest.raises(CommandError, match="limit of 1"):
        run("--zapi-id", "3C07", "--token", "T")


def test_admin_add_form_adds_an_instance(staff_client, partner):
    response = staff_client.post(
        "/instances/instance/add/",
        {"partner": partner.pk, "zapi_id": "3C08", "token": "TK", "name": "Sales", "phone": ""},
    )
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    assert Instance.objects.get(zapi_id="3C08").token == "TK"


def test_operator_cannot_add_an_instance_for_another_partner(operator_client, other_partner):
    response = operator_client.post(
        "/instances/instance/add/",
        {"partner": other_partner.pk, "zapi_id": "3C09", "token": "TK", "name": "", "phone": ""},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Instance.objects.filter(zapi_id="3C09").exists()
