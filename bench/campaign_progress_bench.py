"""How fast is a campaign's progress page at 100,000 recipients, and do its queries stay
constant?

    .venv/bin/python bench/campaign_progress_bench.py [--recipients 100000] [--runs 7]

(DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_campaigns.)

A throwaway database (``test_<name>``) with a campaign of N recipients over 20 senders and
3 variants, most of them already fed: one outbound message each in a spread of states
(queued, held by the daily cap, sent, delivered, read, failed), some replied, some skipped.
Times the progress page (full page: live part, funnel, senders, variants, the first page of
the recipients table) and its live part alone (what htmx fetches every few seconds) through
Django's test client for an operator, with the number of SQL queries; then the same at a
tenth of the recipients, to show the query count does not grow.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zapi_bench_campaigns")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")

STATES = ["read"] * 40 + ["received"] * 20 + ["sent"] * 15 + ["queued"] * 10 + ["failed"] * 5


def populate(recipients: int, name: str):
    from django.db import connection

    from bench.campaign_create_bench import populate as contacts_and_senders
    from messaging.campaigns.services import VariantSpec, campaign_create

    partner, pool = contacts_and_senders(recipients, 20, name=name)
    campaign = campaign_create(
        partner=partner, name=name, senders=pool, audience={},
        variants=[VariantSpec(fields={"message": f"{{Oi|Olá}} {{{{nome}}}} #{n}"})
                  for n in range(3)],
    )  # fmt: skip
    # Feed 95% of them in SQL: one outbound message per recipient, states spread.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH fed AS (
              SELECT r.id, r.sender_id, r.phone, r.contact_id,
                     (%s::text[])[1 + (r.id %% %s)] AS state
              FROM messaging_campaignrecipient r WHERE r.campaign_id = %s AND r.id %% 20 <> 0
            ), made AS (
              INSERT INTO messaging_message (instance_id, direction, kind, chat_id, contact_id,
                payload, text, from_me, state, zaap_id, message_id, error, attempts, endpoint,
                endpoint_path, hold_reason, created_at, queued_at, sent_at, received_at,
                read_at)
              SELECT sender_id, 'out', 'text', phone, contact_id, '{}', 'Oi', true, state,
                     '', 'M' || id, CASE WHEN state = 'failed' THEN 'Z-API said no' ELSE '' END,
                     1, 'send_text', '{}',
                     CASE WHEN state = 'queued' AND id %% 2 = 0 THEN 'daily_cap' ELSE '' END,
                     now(), now(), now(), now(), now()
              FROM fed RETURNING id, message_id
            )
            UPDATE messaging_campaignrecipient r
            SET message_id = made.id, state = 'queued', queued_at = now(),
                replied_at = CASE WHEN r.id %% 9 = 0 THEN now() END
            FROM made WHERE made.message_id = 'M' || r.id
            """,
            [STATES, len(STATES), campaign.pk],
        )
        cursor.execute(
            "UPDATE messaging_campaignrecipient SET state='skipped', reason='opted_out' "
            "WHERE campaign_id = %s AND id %% 20 = 0 AND id %% 40 = 0",
            [campaign.pk],
        )
        cursor.execute("ANALYZE")
    return campaign


def measure(client, url: str, runs: int, before=None, **headers: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, sql = [], []
    queries = 0
    for _ in range(runs):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return statistics.median(times), max(times), statistics.median(sql), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from bench.common import test_database
    from messaging.campaigns.models import Campaign
    from messaging.campaigns.selectors import campaign_tally_refresh
    from partners.models import Membership
    from tests.factories import UserFactory

    with test_database():
        print(f"{'recipients':>10} {'page':<28} {'median ms':>10} {'worst ms':>9} "
              f"{'of it SQL':>10} {'queries':>8}")  # fmt: skip
        for count in (args.recipients // 10, args.recipients):
            campaign = populate(count, name=f"Bench {count}")
            user = UserFactory(username=f"op{count}")
            Membership.objects.create(user=user, partner=campaign.partner, role="operator")
            client = Client()
            client.force_login(user)
            url = reverse("admin:messaging_campaign_progress", args=[campaign.pk])
            client.get(url)  # warm up templates
            campaign_tally_refresh(campaign=campaign)  # what the feeder does on each run

            def cold(pk=campaign.pk):
                Campaign.objects.filter(pk=pk).update(tally_at=None)

            for label, target, headers, before in (
                ("progress page (full)", url, {}, None),
                ("live part (htmx)", f"{url}?part=live", {"HX-Request": "true"}, None),
                ("recipients: failed filter", f"{url}?outcome=failed", {}, None),
                ("full page, counts recounted", url, {}, cold),
            ):
                median, worst, sql, queries = measure(client, target, args.runs, before, **headers)
                print(f"{count:>10} {label:<28} {median:>10.1f} {worst:>9.1f} {sql:>10.1f} "
                      f"{queries:>8}")  # fmt: skip


if __name__ == "__main__":
    main()
