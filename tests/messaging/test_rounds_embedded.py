"""The dispatcher's claims on the embedded defaults (SQLite, no Redis): the one-statement
claim of PostgreSQL has a portable twin (messaging.pacer.slots_claim), and the message claim's
``UPDATE ... RETURNING`` runs on SQLite as it is."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.embedded import embedded_lines

SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from instances.models import ConnectionState, Instance
    from messaging.dispatcher import message_claim
    from messaging.lanes import lane_claim, lanes_count, lanes_free
    from messaging.models import InstancePacer, Message
    from messaging.pacer import pacer_get, slots_claim
    from messaging.services import message_enqueue
    from partners.models import Partner
    from webhooks.services import webhook_event_receive, webhook_events_drain

    partner = Partner.objects.create(name="Embedded")
    numbers = [Instance.objects.create(partner=partner, zapi_id=f"Z{n}", token="T", name=f"n{n}",
                                       connection_state=ConnectionState.CONNECTED)
               for n in range(3)]
    for n in numbers:
        pacer_get(instance_id=n.pk)
        message_enqueue(instance=n, chat_id="5511999990001", kind="text", fields={"message": "a"})
    InstancePacer.objects.filter(instance=numbers[2]).update(paused=True)
    claims = slots_claim(limit=10)
    print("claimed", sorted(c.lease.instance_id for c in claims) == [numbers[0].pk, numbers[1].pk])
    print("again", slots_claim(limit=10) == [])
    message = message_claim(instance_id=numbers[0].pk)
    print("message", message.payload["message"], Message.objects.get(pk=message.pk).state)
    print("lane", lane_claim() is not None, lanes_free() == lanes_count() - 1)
    event, _ = webhook_event_receive(instance_id=numbers[0].pk, data={
        "type": "ConnectedCallback", "connected": True, "momment": 1700000000000})
    print("drained", webhook_events_drain())
    """
)


def test_claims_and_the_drain_work_on_the_embedded_sqlite(tmp_path: Path):
    lines = embedded_lines(SCRIPT, tmp_path)
    assert lines == {
        "claimed": "True",
        "again": "True",
        "message": "a sending",
        "lane": "True True",
        "drained": "1",
    }
