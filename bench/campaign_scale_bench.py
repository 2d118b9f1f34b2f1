"""A campaign at scale against the sandbox: does every number keep its pace and its cap, does
nobody opted out get a message, does every recipient end in exactly one final state?

    .venv/bin/python bench/campaign_scale_bench.py [--recipients 2000] [--numbers 20]
                                                   [--workers 4] [--gap 1] [--cap 120]

N sandbox numbers (phones online: the sandbox delivers and reads, its webhooks come back to
our receiver), a campaign of R recipients over them (5% of the audience opted out before,
1% opts out while it runs), W real ``celery worker`` processes plus beat (the feeder), the
app served by gunicorn on PostgreSQL and Redis. Runs until the campaign completes (or
``--timeout``), then prints: time taken, the smallest gap at the sandbox per number against
its pace, new recipients per number against its cap, messages to opted-out people, and the
recipients per final state (each exactly one).

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_campaign_scale
(created and dropped), REDIS_URL to redis://127.0.0.1:6379/12 (purged).
"""

from __future__ import annotations

import argparse
import itertools
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, recreate_database, setup_env, start_workers  # noqa: E402
from bench.outbound_bench import wait_http  # noqa: E402

FAST_SANDBOX = {
    "gap_min": 0.0, "gap_max": 0.0, "sent_after": 0.2, "received_after": 0.3,
    "read_after": 0.6, "received_share": 1.0, "read_share": 0.6,
}  # fmt: skip


def populate(recipients: int, numbers: int, gap: float, cap: int):
    from instances.models import ConnectionState, Instance
    from messaging.campaigns.services import VariantSpec, campaign_create
    from messaging.models import Contact, InstancePacer
    from partners.models import Partner
    from sandbox.services import every_kind, instance_webhooks_update, sandbox_instance_create

    partner = Partner.objects.create(name="Bench")
    pool = []
    for n in range(numbers):
        box = sandbox_instance_create(name=f"scale-{n}", connected=True, timings=FAST_SANDBOX)
        instance = Instance.objects.create(
            partner=partner, zapi_id=box.zapi_id, token=box.token, name=f"scale-{n:02d}",
            connection_state=ConnectionState.CONNECTED, smartphone_connected=True,
        )  # fmt: skip
        instance_webhooks_update(instance=box, urls=every_kind(instance.webhook_url))
        InstancePacer.objects.create(
            instance=instance, min_gap_seconds=gap, max_gap_seconds=gap * 1.5,
            daily_new_recipients=cap,
        )  # fmt: skip
        pool.append(instance)
    total = int(recipients / 0.95) + 1
    Contact.objects.bulk_create(
        (
            Contact(partner=partner, phone=f"5511{98_000_0000 + i}", name=f"Pessoa {i}",
                    extra={"cidade": "Recife"})
            for i in range(total)
        ),
        batch_size=5000,
    )  # fmt: skip
    ids = list(Contact.objects.filter(partner=partner).order_by("pk").values_list("pk", flat=True))
    Contact.objects.filter(pk__in=ids[::20]).update(opted_out_at="2026-01-01T00:00:00Z")
    campaign = campaign_create(
        partner=partner, name="Scale", senders=pool, audience={},
        variants=[VariantSpec(fields={"message": "{Oi|Olá} {{primeiro_nome}}, novidades!"}),
                  VariantSpec(fields={"message": "{Bom dia|Boa tarde} {{nome}} de {{cidade}}"})],
        window_start=clock(0, 0), window_end=clock(23, 59, 59),
        rest_every_min=40, rest_every_max=50, rest_min_seconds=3, rest_max_seconds=6,
    )  # fmt: skip
    return campaign, pool


def report(campaign, pool, gap: float, cap: int, elapsed: float) -> None:
    from django.db.models import Count

    from messaging.campaigns.models import CampaignRecipient
    from messaging.models import Contact, NewRecipient
    from sandbox.models import SandboxMessage

    print(f"campaign {campaign.audience_count} recipients over {len(pool)} numbers: "
          f"{campaign.get_state_display()} after {elapsed:.0f} s")  # fmt: skip
    by_number: dict[str, list] = {n.zapi_id: [] for n in pool}
    phones_at_sandbox: Counter[str] = Counter()
    for zapi_id, at, payload in SandboxMessage.objects.filter(
        instance__zapi_id__in=by_number
    ).values_list("instance__zapi_id", "created_at", "payload"):
        by_number[zapi_id].append(at)
        phones_at_sandbox[payload.get("phone", "")] += 1
    smallest = []
    for stamps in by_number.values():
        stamps.sort()
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]
        if gaps:
            smallest.append(min(gaps))
    below = sum(g < gap for g in smallest)
    print(f"pace {gap:g} s: smallest gap per number min {min(smallest):.3f} s, "
          f"max {max(smallest):.3f} s; numbers below their pace: {below}")  # fmt: skip
    new = dict(
        NewRecipient.objects.filter(instance__in=pool)
        .values("instance_id").annotate(n=Count("pk")).values_list("instance_id", "n")
    )  # fmt: skip
    print(f"new recipients per number: max {max(new.values(), default=0)} (cap {cap}); "
          f"numbers over their cap: {sum(v > cap for v in new.values())}")  # fmt: skip
    opted_out = set(
        Contact.objects.filter(partner=campaign.partner, opted_out_at__isnull=False).values_list(
            "phone", flat=True
        )
    )
    to_opted_out = sum(phones_at_sandbox[p] for p in opted_out)
    twice = sum(v > 1 for v in phones_at_sandbox.values())
    print(f"messages to people opted out before their turn: {to_opted_out}; "
          f"people who got two or more: {twice}")  # fmt: skip
    states = Counter()
    for r in CampaignRecipient.objects.filter(campaign=campaign).select_related("message"):
        states[(r.state, r.reason or (r.message.state if r.message else ""))] += 1
    print("recipients by final state:", ", ".join(f"{s}/{x}: {n}" for (s, x), n in
                                                  sorted(states.items())))  # fmt: skip
    print(f"excluded at creation: {campaign.excluded_opted_out} opted out, "
          f"{campaign.excluded_invalid} invalid")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--numbers", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--gap", type=float, default=1.0)
    parser.add_argument("--cap", type=int, default=120)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()

    port = free_port()
    sandbox = f"http://127.0.0.1:{port}/sandbox"
    setup_env(
        port, database="zapi_bench_campaign_scale", redis_db=12, ZAPI_BASE_URL=sandbox,
        ZAPI_PARTNER_BASE_URL=sandbox, NUMBER_REGISTRATION_BASE_URL=sandbox,
        CAMPAIGN_FEED_SECONDS="1", CAMPAIGN_FEED_BATCH="6", MESSAGING_WARMUP_RAMP="0:-",
    )  # fmt: skip
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from config.celery import app
    from messaging.campaigns.models import Campaign, CampaignState
    from messaging.campaigns.services import campaign_start
    from messaging.models import Contact

    call_command("migrate", verbosity=0)
    print(f"preparing {args.numbers} sandbox numbers and {args.recipients} recipients...")
    campaign, pool = populate(args.recipients, args.numbers, args.gap, args.cap)
    app.control.purge()
    (ROOT / "var").mkdir(exist_ok=True)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-k",
         "gthread", "-w", str(args.web_workers), "--threads", "8", "--log-level", "warning"],
        cwd=ROOT,
    )  # fmt: skip
    beat = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        workers = start_workers(args.workers)
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "WARNING",
             "--schedule", str(ROOT / "var" / "bench-beat-campaign")],
            cwd=ROOT,
        )  # fmt: skip
        started = time.monotonic()
        campaign_start(campaign=campaign)
        # 1% of the audience opts out while the campaign runs (the last recipients).
        late = list(
            campaign.recipients.order_by("-pk").values_list("contact_id", "phone")[
                : args.recipients // 100
            ]
        )
        Contact.objects.filter(pk__in=[c for c, _p in late]).update(opted_out_at=timezone.now())
        connection.close()
        while time.monotonic() - started < args.timeout:
            state = Campaign.objects.values_list("state", flat=True).get(pk=campaign.pk)
            if state == CampaignState.COMPLETED:
                break
            time.sleep(2)
        elapsed = time.monotonic() - started
        time.sleep(3)  # the last status webhooks
        campaign.refresh_from_db()
        report(campaign, pool, args.gap, args.cap, elapsed)
    finally:
        for proc in [*workers, *([beat] if beat else []), web]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*workers, *([beat] if beat else []), web]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        app.control.purge()
        connection.close()
        recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
