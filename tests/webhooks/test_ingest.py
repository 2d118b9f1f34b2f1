"""The ingest server (``webhooks.ingest``): a stored event on its own pool, every other
answer the receiver's own, through Django's ASGI application.

Its connections are not the test's, so these tests commit (``transactional_db``); each
request runs the application on a fresh event loop and closes its pool after."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.cache import cache

from core import statements
from tests.factories import InstanceFactory
from tests.live import worker_env
from tests.webhooks.conftest import spec_example, webhook_path
from webhooks import ingest, services
from webhooks.models import EventState, WebhookEvent, WebhookReject

pytestmark = pytest.mark.django_db(transaction=True)

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(
    path: str, body: bytes | str, *, app: ingest.Ingest | None = None, **headers: str
) -> httpx.Response:
    app = app or ingest.Ingest()
    headers.setdefault("content-type", "application/json")

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.post(path, content=body, headers=headers)
        finally:
            await app.close()

    return asyncio.run(go())


@pytest.fixture
def instance():
    return InstanceFactory()


def counting_app() -> tuple[ingest.Ingest, list[str]]:
    """An ingest application, and the paths of the requests it passed on to Django (whose
    middleware reads the settings when the application is made)."""
    seen: list[str] = []
    app = ingest.Ingest()
    django_app = app.fallback

    async def counted(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await django_app(scope, receive, send)

    app.fallback = counted
    return app, seen


@pytest.fixture
def fallbacks():
    return counting_app()


def test_a_new_event_is_stored_on_the_pool_and_answered_200(instance, fallbacks):
    app, seen = fallbacks
    data = spec_example("l13106_messagestatus_sent")
    cache.delete("webhooks:drain-wake")
    services._mark_seen_at = float("-inf")
    response = post(webhook_path(instance), json.dumps(data), app=app)
    assert (response.status_code, response.json()) == (200, {"status": "stored"})
    assert response.headers["x-content-type-options"] == "nosniff"
    event = WebhookEvent.objects.get()
    assert (event.instance_id, event.event_type, event.payload, event.state) == (
        instance.pk,
        "MessageStatusCallback",
        data,
        EventState.PENDING,
    )
    assert seen == []  # answered here, not by Django
    assert cache.get("webhooks:drain-wake") == 1  # the drain was woken


def inserted(app: ingest.Ingest, events: list[tuple[WebhookEvent, str]]) -> list[int | None]:
    """``app.insert`` for each, all at once (asked in this order before any statement runs),
    on a fresh loop."""

    async def go() -> list[int | None]:
        try:
            return list(await asyncio.gather(*(app.insert(e, d) for e, d in events)))
        finally:
            await app.close()

    return asyncio.run(go())


def new_event(instance, data: dict[str, Any]) -> WebhookEvent:
    return services.webhook_event_new(instance_id=instance.pk, data=data)


def test_events_that_arrive_together_are_written_by_one_statement(instance, fallbacks):
    app, seen = fallbacks
    bodies = [
        json.dumps({**spec_example("l13106_messagestatus_sent"), "ids": [f"BATCH{n}"]})
        for n in range(20)
    ]

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                path, headers = webhook_path(instance), {"content-type": "application/json"}
                return list(
                    await asyncio.gather(
                        *(c.post(path, content=b, headers=headers) for b in bodies)
                    )
                )
        finally:
            await app.close()

    responses = asyncio.run(go())
    assert [r.json() for r in responses] == [{"status": "stored"}] * 20
    assert WebhookEvent.objects.filter(instance=instance).count() == 20
    assert seen == []
    assert app.statements < 20  # each one commit: a busy process commits many at once


def test_a_batch_answers_each_event_as_a_statement_of_its_own_would(instance):
    other = InstanceFactory()
    digest = services.webhook_secret_digest(str(instance.webhook_secret))
    received = spec_example("l11173_delivery")
    stored_before = new_event(instance, {**received, "messageId": "BEFORE"})
    assert services._event_insert(stored_before, digest=digest)
    new, again = new_event(instance, received), new_event(instance, received)
    app = ingest.Ingest()
    pks = inserted(
        app,
        [
            (new, digest),
            (again, digest),  # the same dedupe key in the same batch
            (new_event(instance, {**received, "messageId": "BEFORE"}), digest),  # stored already
            (new_event(instance, {**received, "messageId": "WRONG"}), digest[:-1] + "0"),
            (new_event(other, received), services.webhook_secret_digest(str(other.webhook_secret))),
            (new_event(other, {**received, "messageId": "X"}), digest),  # another's secret
        ],
    )
    assert app.statements == 1
    assert pks[1:4] == [None, None, None] and pks[5] is None
    assert pks[0] is not None and pks[4] is not None
    rows = WebhookEvent.objects.order_by("pk").values_list("pk", "instance_id", "payload")
    assert list(rows) == [
        (stored_before.pk, instance.pk, stored_before.payload),
        (pks[0], instance.pk, received),
        (pks[4], other.pk, received),
    ]


def test_a_full_batch_waiting_starts_another_statement(instance, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BATCH", 3)
    digest = services.webhook_secret_digest(str(instance.webhook_secret))
    data = spec_example("l13106_messagestatus_sent")
    events = [(new_event(instance, {**data, "ids": [f"FULL{n}"]}), digest) for n in range(7)]
    app = ingest.Ingest()
    pks = inserted(app, events)
    assert app.statements == 3  # 3 + 3 + 1
    assert None not in pks and len(set(pks)) == 7
    assert WebhookEvent.objects.count() == 7


def test_a_batch_carries_so_many_bytes_of_bodies_at_most(instance, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BATCH_BYTES", 1000)
    digest = services.webhook_secret_digest(str(instance.webhook_secret))
    data = spec_example("l13106_messagestatus_sent")
    events = [new_event(instance, {**data, "ids": [f"BIG{n}"]}) for n in range(5)]
    app = ingest.Ingest()

    async def go() -> list[int | None]:
        sizes = [600, 300, 200, 1500, 100]  # 600 + 300, then 200, then 1500 alone, then 100
        try:
            asked = (app.insert(e, digest, size) for e, size in zip(events, sizes, strict=True))
            return list(await asyncio.gather(*asked))
        finally:
            await app.close()

    pks = asyncio.run(go())
    assert None not in pks
    assert app.statements == 4


def test_a_duplicate_is_answered_by_the_receiver_and_stored_once(instance, fallbacks):
    app, seen = fallbacks
    body = json.dumps(spec_example("l11173_delivery"))
    assert post(webhook_path(instance), body).json() == {"status": "stored"}
    response = post(webhook_path(instance), body, app=app)
    assert (response.status_code, response.json()) == (200, {"status": "duplicate"})
    assert WebhookEvent.objects.count() == 1
    assert seen == [webhook_path(instance)]


def test_a_wrong_secret_is_404_and_keeps_nothing(instance):
    wrong = webhook_path(instance, str(instance.webhook_secret)[:-1] + "x")
    assert post(wrong, json.dumps(spec_example("l11173_delivery"))).status_code == 404
    assert post(wrong, b"{not json").status_code == 404
    assert not WebhookEvent.objects.exists()
    assert not WebhookReject.objects.exists()


def test_an_unknown_instance_is_404(instance):
    path = webhook_path(instance).replace(f"/{instance.pk}/", f"/{instance.pk + 1000}/")
    assert post(path, json.dumps(spec_example("l11173_delivery"))).status_code == 404
    assert not WebhookEvent.objects.exists()


def test_an_instance_id_larger_than_any_is_an_unknown_url_not_a_database_error(caplog):
    # A bigint holds up to 2**63 - 1: a larger id used to reach the statement, a 503.
    body = json.dumps(spec_example("l11173_delivery"))
    unknown = post("/webhooks/not-a-number/secret/", body).status_code
    assert unknown in (403, 404)
    for number in (2**63, 10**20):
        assert post(f"/webhooks/{number}/secret/", body).status_code == unknown
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert not WebhookEvent.objects.exists()


def test_a_body_the_receiver_refuses_gets_its_answer_and_is_kept_for_support(instance):
    response = post(webhook_path(instance), b'{"type": "ReceivedCallback", ')
    assert (response.status_code, response.json()) == (400, {"error": "malformed JSON"})
    reject = WebhookReject.objects.get()
    assert reject.body == '{"type": "ReceivedCallback", '
    assert not WebhookEvent.objects.exists()


def test_a_form_body_is_415(instance):
    response = post(webhook_path(instance), b"a=1", **{"content-type": "multipart/form-data"})
    assert response.status_code == 415


def test_a_body_over_the_limit_is_413_and_not_stored(instance, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 64
    body = json.dumps({"type": "ReceivedCallback", "text": {"message": "x" * 100}})
    response = post(webhook_path(instance), body)
    assert (response.status_code, response.json()) == (413, {"error": "body too large"})
    assert not WebhookEvent.objects.exists()


def test_other_methods_and_urls_are_django_s(instance):
    async def go() -> tuple[httpx.Response, httpx.Response]:
        app = ingest.Ingest()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get(webhook_path(instance)), await c.get("/healthz")

    get, health = asyncio.run(go())
    assert get.status_code == 405
    assert health.status_code == 200


def test_the_database_down_is_503_and_the_event_left_to_z_api_s_retry(instance, monkeypatch):
    kwargs = ingest.pool_kwargs()
    # A port nothing listens on: the pool never gets a connection.
    monkeypatch.setattr(ingest, "pool_kwargs", lambda: {**kwargs, "port": 1})
    monkeypatch.setattr(ingest, "POOL_TIMEOUT", 0.5)
    response = post(webhook_path(instance), json.dumps(spec_example("l11173_delivery")))
    assert (response.status_code, response.json()) == (503, {"error": "unavailable"})
    assert response.headers["retry-after"] == "30"
    assert not WebhookEvent.objects.exists()


def test_plain_http_goes_to_django_when_production_redirects_it(instance, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app, seen = counting_app()
    body = json.dumps(spec_example("l11173_delivery"))
    redirected = post(webhook_path(instance), body, app=app)
    assert redirected.status_code == 301
    assert redirected.headers["location"].startswith("https://")
    assert not WebhookEvent.objects.exists()
    behind_tls = post(webhook_path(instance), body, app=app, **{"x-forwarded-proto": "https"})
    assert behind_tls.json() == {"status": "stored"}
    assert seen == [webhook_path(instance)]


def test_webhook_urls_point_at_webhook_base_url_when_it_is_set(instance, settings):
    from partners.lifecycle import webhook_options

    settings.PUBLIC_BASE_URL = "https://fleet.example.com"
    assert instance.webhook_url == f"https://fleet.example.com{webhook_path(instance)}"
    settings.WEBHOOK_BASE_URL = "https://hooks.fleet.example.com"
    assert instance.webhook_url == f"https://hooks.fleet.example.com{webhook_path(instance)}"
    options = webhook_options(instance)
    assert options and all(
        url.startswith(f"https://hooks.fleet.example.com{webhook_path(instance)}")
        for url in options.values()
    )


def test_the_pool_connects_as_django_does_but_binds_on_the_server():
    kwargs = ingest.pool_kwargs()
    from django.db import connection

    expected = connection.get_connection_params()
    assert (kwargs["dbname"], kwargs["host"]) == (expected["dbname"], expected["host"])
    assert kwargs["autocommit"] is True
    assert kwargs["cursor_factory"].__name__ == "AsyncCursor"  # so it can prepare
    assert kwargs["prepare_threshold"] == statements.PREPARE_WHEN_ASKED  # its one statement
    assert kwargs["context"] is not expected["context"]  # Django's adapters, copied


def prepared_after(app: ingest.Ingest, batches: list[list[tuple[WebhookEvent, str]]]) -> int:
    """Each batch written in turn (one statement each, on the pool's one connection: see
    ``one_connection``), then the number of statements prepared on that connection."""

    async def go() -> int:
        try:
            for batch in batches:
                await asyncio.gather(*(app.insert(e, d) for e, d in batch))
            pool = await app.pool()
            async with pool.connection() as conn:
                query = "SELECT count(*) FROM pg_prepared_statements"
                cursor = await conn.execute(query, prepare=False)
                row = await cursor.fetchone()
                return int(row[0]) if row else 0
        finally:
            await app.close()

    return asyncio.run(go())


@pytest.fixture
def one_connection(monkeypatch):
    monkeypatch.setattr(ingest, "POOL_SIZE", 1)


def mixed_batches(small, large) -> list[list[tuple[WebhookEvent, str]]]:
    """Batches of two rows, one for each instance, in both orders, and a third of the small
    instance alone: the same statement each time."""
    received = spec_example("l11173_delivery")
    digests = {i.pk: services.webhook_secret_digest(str(i.webhook_secret)) for i in (small, large)}

    def event(instance, n: int) -> tuple[WebhookEvent, str]:
        return new_event(instance, {**received, "messageId": f"M{n}"}), digests[instance.pk]

    return [[event(small, 1), event(large, 2)], [event(large, 3), event(small, 4)],
            [event(small, 5), event(small, 6)]]  # fmt: skip


def test_the_batch_statement_is_prepared_once_whatever_the_size_of_the_ids(
    instance, one_connection
):
    # psycopg types an integer by its value (smallint, integer, bigint): unless every one is a
    # bigint, each mix of small and large instance ids would be a statement of its own.
    large = InstanceFactory(pk=40_000)
    app = ingest.Ingest()
    assert prepared_after(app, mixed_batches(instance, large)) == 1
    assert app.statements == 3
    assert WebhookEvent.objects.filter(instance__in=[instance, large]).count() == 6


def test_nothing_is_prepared_when_a_pooler_cannot_keep_it(instance, settings, one_connection):
    settings.DATABASE_PREPARED_STATEMENTS = False
    app = ingest.Ingest()
    assert prepared_after(app, mixed_batches(instance, InstanceFactory(pk=40_000))) == 0
    assert WebhookEvent.objects.count() == 6


class IngestProcess:
    """The Procfile's ``ingest`` line through a shell, as a process manager runs it, on the
    test database; ``kill`` is a real SIGKILL of the whole process group."""

    def __init__(self, port: int, workers: int = 1) -> None:
        (line,) = (p for p in PROCFILE.read_text().splitlines() if p.startswith("ingest:"))
        env = worker_env(f"http://127.0.0.1:{port}")
        env.update(INGEST_PORT=str(port), INGEST_CONCURRENCY=str(workers))
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        self.port = port
        self.server = subprocess.Popen(  # noqa: S602
            line.removeprefix("ingest:").strip(),
            shell=True,
            env=env,
            cwd=PROCFILE.parent,
            start_new_session=True,
        )

    def post(self, path: str, body: str) -> httpx.Response:
        """The first answer, once the server listens."""
        url, headers = f"http://127.0.0.1:{self.port}{path}", {"content-type": "application/json"}
        deadline = time.monotonic() + 30
        while True:
            try:
                return httpx.post(url, content=body, headers=headers)
            except httpx.TransportError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise
                time.sleep(0.2)

    def kill(self) -> None:
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=20)

    def stop(self) -> None:
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=20)


@pytest.mark.integration
def test_the_procfile_s_ingest_process_stores_events(instance):
    """uvicorn as the Procfile runs it, on the test database, over a real socket."""
    server = IngestProcess(free_port())
    try:
        body = json.dumps(spec_example("l13106_messagestatus_sent"))
        assert server.post(webhook_path(instance), body).json() == {"status": "stored"}
        assert server.post(webhook_path(instance), body).json() == {"status": "duplicate"}
        assert WebhookEvent.objects.filter(instance=instance).count() == 1
    finally:
        server.stop()


@pytest.mark.integration
def test_a_killed_ingest_process_loses_no_event_it_answered_and_stores_none_twice(instance):
    """kill -9 while batches of webhooks are on their way: every 200 was committed, and what
    Z-API then sends again (everything not answered 200, and some that were) is stored once."""
    data = spec_example("l13106_messagestatus_sent")
    bodies = [json.dumps({**data, "ids": [f"KILL{n}"]}) for n in range(600)]
    path = webhook_path(instance)
    server = IngestProcess(free_port(), workers=2)
    answered: list[int] = []  # the bodies answered "stored" before the kill

    async def send_all(port: int, killer: asyncio.Event) -> None:
        url = f"http://127.0.0.1:{port}{path}"
        queue = list(enumerate(bodies))
        limits = httpx.Limits(max_connections=32)
        async with httpx.AsyncClient(limits=limits, timeout=10) as client:

            async def user() -> None:
                while queue:
                    n, body = queue.pop(0)
                    try:
                        response = await client.post(
                            url, content=body, headers={"content-type": "application/json"}
                        )
                    except httpx.TransportError:
                        continue  # no answer: Z-API sends it again
                    if response.json() == {"status": "stored"}:
                        answered.append(n)
                    if len(answered) >= 150:
                        killer.set()

            await asyncio.gather(*(user() for _ in range(32)))

    async def drill() -> None:
        killer = asyncio.Event()
        sending = asyncio.create_task(send_all(server.port, killer))
        await killer.wait()
        server.kill()
        await sending

    try:
        server.post(path, json.dumps({**data, "ids": ["WARM"]}))
        asyncio.run(drill())
        stored = set(
            WebhookEvent.objects.filter(instance=instance).values_list("payload__ids__0", flat=True)
        )
        assert {f"KILL{n}" for n in answered} <= stored  # no 200 for an event not committed
        assert len(stored) < 601  # the kill did cut the run short
        again = IngestProcess(free_port())
        try:
            for n, body in enumerate(bodies):
                if n not in answered or n % 10 == 0:
                    assert again.post(path, body).json()["status"] in ("stored", "duplicate")
        finally:
            again.stop()
    finally:
        server.stop()
    ids = list(
        WebhookEvent.objects.filter(instance=instance).values_list("payload__ids__0", flat=True)
    )
    assert sorted(ids) == sorted({"WARM", *(f"KILL{n}" for n in range(600))})
