"""Status probes: applied and recorded, spread over the interval, uptime buckets."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from instances.models import ConnectionState, HealthProbe
from instances.selectors import uptime_by_instance
from instances.services import instance_probe, probe_offsets
from instances.tasks import fleet_probe_task
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db


def test_probe_applies_status_and_caches_the_queue_size(instance, fake_zapi):
    fake_zapi.connected = True
    fake_zapi.queue = [{"ZaapId": "a"}, {"ZaapId": "b"}]
    outcome = instance_probe(instance=instance)
    assert outcome.ok
    instance.refresh_from_db()
    assert instance.connection_state == ConnectionState.CONNECTED
    assert instance.smartphone_connected is True
    assert instance.zapi_queue_size == 2
    probe = HealthProbe.objects.get()
    assert probe.source == "probe" and probe.connected and probe.latency_ms is not None


def test_unreachable_zapi_changes_no_state(instance, fake_zapi):
    def refuse(request, body):
        raise httpx.ConnectError("refused", request=request)

    instance.connection_state = ConnectionState.CONNECTED
    instance.save()
    fake_zapi.routes["GET /status"] = refuse
    outcome = instance_probe(instance=instance)
    assert (outcome.ok, outcome.retryable) == (False, True)
    instance.refresh_from_db()
    assert instance.connection_state == ConnectionState.CONNECTED
    assert "NeverSent" in HealthProbe.objects.get().error


def test_probes_are_spread_over_the_interval():
    offsets = [offset for _id, offset in probe_offsets(list(range(10)), 300)]
    assert offsets[0] == 0 and offsets[-1] == 270
    assert all(b - a == 30 for a, b in itertools.pairwise(offsets))


def test_fleet_task_schedules_one_probe_per_instance_with_countdowns(partner, monkeypatch):
    from instances import tasks

    sent = []
    monkeypatch.setattr(
        tasks.instance_probe_task, "apply_async", lambda args, **kw: sent.append((args, kw))
    )
    InstanceFactory.create_batch(4, partner=partner)
    assert fleet_probe_task.run() == 4
    assert [kw["countdown"] for _a, kw in sent] == [0, 75, 150, 225]
    assert all(kw["expires"] == 300 for _a, kw in sent)


def test_uptime_buckets(instance):
    now = timezone.now().replace(minute=30)
    HealthProbe.objects.create(instance=instance, at=now, source="probe", connected=True)
    HealthProbe.objects.create(instance=instance, at=now, source="probe", connected=False)
    HealthProbe.objects.create(
        instance=instance, at=now - timedelta(hours=3), source="probe", connected=True
    )
    hours = uptime_by_instance(instance_ids=[instance.pk], now=now)[instance.pk]
    assert len(hours) == 24
    assert (hours[-1].up, hours[-1].total) == (1, 2)
    assert (hours[-4].up, hours[-4].total) == (1, 1)
    assert hours[0].ratio is None


def test_beat_schedules_the_fleet_probe():
    from config.celery import beat_schedule

    entry = beat_schedule()["instances-probe-fleet"]
    assert entry["task"] == "instances.tasks.fleet_probe_task"
    assert entry["schedule"] == 300.0


def test_probe_task_retries_when_zapi_is_unreachable(instance, fake_zapi, monkeypatch):
    from celery.exceptions import Retry

    from instances.tasks import instance_probe_task

    def refuse(request, body):
        raise httpx.ConnectError("refused", request=request)

    fake_zapi.routes["GET /status"] = refuse
    monkeypatch.setattr(instance_probe_task, "retry", lambda exc: Retry(exc=exc))
    with pytest.raises(Retry):
        instance_probe_task.run(instance.pk)


def test_a_failed_bulk_restart_leaves_a_notice(instance, fake_zapi):
    from instances.models import InstanceNotice
    from instances.tasks import instance_restart_task

    fake_zapi.routes["GET /restart"] = lambda r, b: httpx.Response(
        401, json={"error": "null not allowed"}
    )
    instance_restart_task.run(instance.pk)
    notice = InstanceNotice.objects.get(instance=instance)
    assert notice.kind == "action_failed" and "null not allowed" in notice.text


def test_probe_answers_an_outcome_for_any_zapi_error(instance, fake_zapi):
    from instances.services import instance_probe

    fake_zapi.routes["GET /status"] = lambda r, b: httpx.Response(500, json={"error": "boom"})
    outcome = instance_probe(instance=instance)
    assert (outcome.ok, outcome.retryable) == (False, True)
    assert "boom" in outcome.text


def test_the_uptime_strip_names_each_hour_in_local_time(instance, settings):
    from datetime import UTC, datetime

    from instances.svg import uptime_strip

    settings.TIME_ZONE = "America/Sao_Paulo"  # UTC-3, no summer time since 2019
    now = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)
    HealthProbe.objects.create(instance=instance, at=now, source="probe", connected=True)
    HealthProbe.objects.create(instance=instance, at=now, source="probe", connected=False)
    strip = uptime_strip(uptime_by_instance(instance_ids=[instance.pk], now=now)[instance.pk])
    cells = re.findall(r'fill="([^"]+)"><title>([^<]+)</title>', strip)
    assert len(cells) == 24
    assert cells[-1] == ("#e0a800", "12:00 · 1/2")  # 15:00 UTC is noon in São Paulo
    assert cells[0] == ("#d0d0d0", "13:00 · 0/0")  # 24 hours back, nothing probed
    assert 'aria-label="50% up over the last 24 h"' in strip
