"""``manage.py instance_provision`` against the sandbox over real HTTP."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from instances.models import Instance
from partners.models import Customer
from sandbox.models import SandboxInstance

pytestmark = pytest.mark.django_db(transaction=True)


def test_prints_the_new_instance_with_its_trial_end(live_url, reseller):
    Customer.objects.create(partner=reseller, name="Bakery")
    out = StringIO()
    call_command("instance_provision", "--partner", reseller.name, "--name", "Cmd",
                 "--mobile", "--customer", "Bakery", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    instance = Instance.objects.get(pk=data["pk"])
    assert data["zapi_id"] == instance.zapi_id and data["customer"] == "Bakery"
    assert SandboxInstance.objects.get(zapi_id=data["zapi_id"]).middleware == "mobile"
    ends = datetime.fromisoformat(data["trial_ends_at"])
    assert timedelta(days=1, hours=23) < ends - timezone.now() <= timedelta(days=2)
    assert "token" not in data


def test_a_refusal_is_a_clear_error(live_url, partner):
    with pytest.raises(CommandError, match="no Z-API integrator token"):
        call_command("instance_provision", "--partner", partner.name, "--name", "X")
