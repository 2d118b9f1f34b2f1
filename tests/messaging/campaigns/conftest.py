"""Fixtures for campaigns: a partner's contacts and connected sender numbers."""

from __future__ import annotations

from datetime import time

import pytest

from instances.models import ConnectionState
from messaging.campaigns.services import VariantSpec, campaign_create
from messaging.models import Contact, InstancePacer
from messaging.pacer import pacer_get
from tests.factories import InstanceFactory


def sender(partner, name, **pace):
    instance = InstanceFactory(
        partner=partner, name=name, connection_state=ConnectionState.CONNECTED,
        smartphone_connected=True,
    )  # fmt: skip
    pacer_get(instance_id=instance.pk)
    InstancePacer.objects.filter(instance=instance).update(
        min_gap_seconds=pace.get("min_gap", 0), max_gap_seconds=pace.get("max_gap", 0),
        daily_new_recipients=pace.get("cap", 1000),
    )  # fmt: skip
    return instance


@pytest.fixture
def senders(partner):
    return [sender(partner, f"Sender {i}") for i in range(2)]


def contacts(partner, count, *, start=0, **extra):
    return Contact.objects.bulk_create(
        Contact(partner=partner, phone=f"55119{start + i:08d}", name=f"Pessoa {start + i}", **extra)
        for i in range(count)
    )


ALL_DAY = {"window_start": time(0, 0), "window_end": time(23, 59, 59)}


def make_campaign(partner, senders, *, texts=("{Oi|Olá} {{nome}}",), **options):
    options = {**ALL_DAY, "rest_every_min": 1000, "rest_every_max": 1000, **options}
    return campaign_create(
        partner=partner,
        name="Black Friday",
        variants=[VariantSpec(kind="text", fields={"message": t}) for t in texts],
        senders=senders,
        audience=options.pop("audience", {}),
        seed=options.pop("seed", 7),
        **options,
    )
