"""How fast is creating a campaign of 100,000 recipients, and how much memory does it take?

    .venv/bin/python bench/campaign_create_bench.py [--recipients 100000] [--senders 20]

(DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_campaigns.)

Creates a throwaway database (``test_<name>``, dropped at the end) with a partner, N contacts
(1% opted out, 0.5% invalid numbers, 5% that already talked to one of the senders), S
connected senders, then times ``campaign_create`` (audience resolved, opted-out and invalid
counted, sticky binding, variants picked, rows written) and renders the first 1,000
recipients' messages the way the feeder does. Prints the time, the CPU time of this process
and of the PostgreSQL process serving it (on a loaded machine the wall time also waits for
others), the peak Python memory (tracemalloc) and the rows written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zapi_bench_campaigns")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")


def populate(recipients: int, senders: int, name: str = "Bench"):
    from django.utils import timezone

    from instances.models import ConnectionState
    from messaging.models import Contact, Direction, Message
    from partners.models import Partner
    from tests.factories import InstanceFactory

    partner = Partner.objects.create(name=name)
    pool = [
        InstanceFactory(partner=partner, name=f"{name} sender {n:02d}",
                        connection_state=ConnectionState.CONNECTED)
        for n in range(senders)
    ]  # fmt: skip
    now = timezone.now()
    batch = 10_000
    for start in range(0, recipients, batch):
        rows = []
        for n in range(start, min(start + batch, recipients)):
            phone = f"55119{n:08d}" if n % 200 else f"{n}"  # 0.5% invalid
            rows.append(
                Contact(partner=partner, phone=phone, name=f"Pessoa {n}",
                        opted_out_at=now if n % 100 == 1 else None)
            )  # fmt: skip
        created = Contact.objects.bulk_create(rows, batch_size=5000)
        Message.objects.bulk_create(
            (
                Message(instance=pool[c.pk % senders], direction=Direction.INBOUND,
                        chat_id=c.phone, contact=c)
                for c in created[::20]
            ),
            batch_size=5000,
        )  # fmt: skip
    return partner, pool


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--senders", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from bench.common import test_database

    with test_database():
        from messaging.campaigns.feeder import recipient_message_fields
        from messaging.campaigns.models import CampaignRecipient
        from messaging.campaigns.services import VariantSpec, campaign_create

        started = time.perf_counter()
        print(f"filling {args.recipients} contacts and {args.senders} senders…")
        partner, pool = populate(args.recipients, args.senders)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"filled in {time.perf_counter() - started:.1f} s\n")

        variants = [
            VariantSpec(fields={"message": "{Olá|Oi|Bom dia} {{nome|cliente}}, {temos|há} news"}),
            VariantSpec(fields={"message": "{Oi|E aí} {{primeiro_nome}}! Passando para avisar"}),
            VariantSpec(kind="image", fields={"url": "https://example.com/a.png",
                                              "caption": "{Veja|Olhe} isto, {{nome}}"}),
        ]  # fmt: skip
        from bench.common import cpu_seconds, database_pids

        backend = database_pids()
        db_cpu = cpu_seconds(backend)
        cpu = time.process_time()
        tracemalloc.start()
        started = time.perf_counter()
        campaign = campaign_create(
            partner=partner, name="Bench", variants=variants, senders=pool, audience={}
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        db_cpu = cpu_seconds(backend) - db_cpu
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        written = CampaignRecipient.objects.filter(campaign=campaign).count()
        sticky = CampaignRecipient.objects.filter(
            campaign=campaign, contact__messages__instance_id=models_f("sender_id")
        ).count()

        started = time.perf_counter()
        rows = CampaignRecipient.objects.filter(campaign=campaign).select_related(
            "contact", "variant"
        )[:1000]
        for recipient in rows:
            recipient_message_fields(campaign, recipient)
        render_ms = (time.perf_counter() - started) * 1000

        print(f"campaign_create: {elapsed:.2f} s for {written} recipients "
              f"(target <= 10 s at 100,000)")  # fmt: skip
        print(f"  CPU: {cpu:.2f} s this process + {db_cpu:.2f} s the database's process")
        print(f"  peak Python memory during create: {peak / 1e6:.1f} MB")
        print(
            f"  excluded: {campaign.excluded_opted_out} opted out, "
            f"{campaign.excluded_invalid} invalid; {sticky} bound to a sender they know"
        )
        print(f"  rendering 1,000 recipients' messages: {render_ms:.0f} ms "
              f"({render_ms / 1000:.2f} ms each)")  # fmt: skip


def models_f(name: str):
    from django.db.models import F

    return F(name)


if __name__ == "__main__":
    main()
