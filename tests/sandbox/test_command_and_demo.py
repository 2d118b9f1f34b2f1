"""``manage.py sandbox_instance`` and the demo's living fleet."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from core.demo import DEMO_HOOKS
from instances.models import Instance
from sandbox.demo import demo_chatter, demo_fleet
from sandbox.models import SandboxInstance, SandboxWebhook
from tests.factories import PartnerFactory
from tests.live import wait_for

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("sandbox_instance", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_creates_an_instance_waiting_for_its_qr_code(zc):
    data = _run("--name", "Shop")
    instance = SandboxInstance.objects.get(zapi_id=data["id"])
    assert (data["token"], data["name"], data["state"]) == (instance.token, "Shop", "waiting_qr")


def test_command_creates_a_connected_instance():
    data = _run("--name", "Shop", "--connected", "--phone", "5511900000000")
    assert (data["state"], data["phone"]) == ("connected", "5511900000000")


def test_command_refuses_a_public_plain_http_webhook():
    with pytest.raises(CommandError):
        _run("--name", "Shop", "--webhook-url", "http://example.com/hook")


def test_demo_hook_is_registered():
    assert demo_fleet in DEMO_HOOKS


def test_demo_fleet_has_every_state_and_is_registered_in_the_product():
    partner = PartnerFactory(name="Demo")
    demo_fleet(partner)
    fleet = {i.name: i for i in SandboxInstance.objects.all()}
    states = sorted(i.state for i in fleet.values())
    assert states == ["connected", "connected", "disconnected", "waiting_qr"]
    billing = fleet["Billing"]
    assert billing.messages.filter(state="queued").count() == 5
    for sandbox in fleet.values():
        product = Instance.objects.get(zapi_id=sandbox.zapi_id)
        assert product.partner == partner
        assert str(product.token) == sandbox.token
        assert set(sandbox.webhooks.values()) == {product.webhook_url}


def test_demo_fleet_twice_creates_nothing_new():
    partner = PartnerFactory(name="Demo")
    demo_fleet(partner)
    demo_fleet(partner)
    assert SandboxInstance.objects.count() == 4
    assert Instance.objects.count() == 4
    # WhatsApp Business seed on the first number: labels on the contacts' chats, products.
    sales = SandboxInstance.objects.get(name="Sales São Paulo")
    assert sales.tags.count() == 3 and sales.products.count() == 2
    assert all(chat.tags for chat in sales.chats.all())


def test_demo_chatter_writes_only_to_connected_demo_instances(monkeypatch):
    partner = PartnerFactory(name="Demo")
    demo_fleet(partner)
    monkeypatch.setattr("sandbox.demo.random.random", lambda: 0.0)
    assert demo_chatter() == 2
    assert SandboxWebhook.objects.filter(kind="ReceivedCallback").count() == 2


@pytest.mark.django_db(transaction=True)
def test_demo_fleet_shows_each_numbers_real_state_once_probed(celery_worker):
    partner = PartnerFactory(name="Demo")
    demo_fleet(partner)  # queues one status probe per number, a few seconds later
    expected = {
        "Sales São Paulo": "connected",
        "Sales Rio": "connected",
        "Support": "never_paired",
        "Billing": "disconnected",
    }

    def states() -> dict[str, str]:
        return dict(Instance.objects.values_list("name", "connection_state"))

    wait_for(lambda: states() == expected, timeout=60)
    # The probe also reads Z-API's queue: the disconnected number holds 5 messages.
    wait_for(lambda: Instance.objects.get(name="Billing").zapi_queue_size == 5)
