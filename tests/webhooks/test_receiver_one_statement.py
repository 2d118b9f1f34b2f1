"""A well-formed event is stored by one statement that checks the secret, dedupes and
commits (webhooks.services._event_insert); every other answer checks the secret on its own
first (webhooks.views)."""

from __future__ import annotations

import json

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.core.test_statements import prepared
from tests.factories import InstanceFactory
from tests.webhooks.conftest import post_event
from webhooks.models import WebhookEvent, WebhookReject

pytestmark = pytest.mark.django_db

EVENT = {"type": "ReceivedCallback", "messageId": "ONE", "phone": "5511999990001"}


def _kill_this_connection() -> int:
    """Terminate the backend of Django's connection from another one; its pid."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    return int(pid)


def test_a_new_event_costs_one_statement(webhook_client, instance):
    with CaptureQueriesContext(connection) as queries:
        response = post_event(webhook_client, instance, EVENT)
    assert response.json() == {"status": "stored"}
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert WebhookEvent.objects.get().payload == EVENT


def test_a_wrong_secret_is_404_even_for_an_event_already_stored(webhook_client, instance):
    assert post_event(webhook_client, instance, EVENT).status_code == 200
    bad = str(instance.webhook_secret)[:-1] + "x"
    assert post_event(webhook_client, instance, EVENT, secret=bad).status_code == 404
    assert post_event(webhook_client, instance, EVENT).json() == {"status": "duplicate"}
    assert WebhookEvent.objects.count() == 1


def test_a_wrong_secret_is_404_whatever_the_body(webhook_client, instance, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 64
    bad = str(instance.webhook_secret)[:-1] + "x"
    big = {"type": "X", "pad": "x" * 100}
    assert post_event(webhook_client, instance, big, secret=bad).status_code == 404
    form = "a=1"
    kwargs = {"content_type": "application/x-www-form-urlencoded", "secret": bad}
    assert post_event(webhook_client, instance, form, **kwargs).status_code == 404
    assert post_event(webhook_client, instance, "[1]", secret=bad).status_code == 404
    assert not WebhookReject.objects.exists()
    # The right secret gets the body's own answer.
    assert post_event(webhook_client, instance, big).status_code == 413
    assert post_event(webhook_client, instance, "[1]").status_code == 400
    assert WebhookReject.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_200_comes_after_the_commit(webhook_client, instance):
    response = post_event(webhook_client, instance, EVENT)
    assert response.status_code == 200
    # Another connection sees the row: it is committed, not waiting in an open transaction.
    assert not connection.in_atomic_block
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        (count,) = other.execute(
            "SELECT count(*) FROM webhooks_webhookevent WHERE instance_id = %s", [instance.pk]
        ).fetchone()
    assert count == 1
    assert json.loads(response.content) == {"status": "stored"}


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_died_between_requests_costs_no_event(webhook_client, instance):
    # The statement stands in for the health check's SELECT 1: on a dead reused connection it
    # is sent again on a new one.
    assert post_event(webhook_client, instance, EVENT).status_code == 200
    pid = _kill_this_connection()
    connection.health_check_done = False  # as at the start of a request (close_old_connections)
    with CaptureQueriesContext(connection) as queries:
        response = post_event(webhook_client, instance, {**EVENT, "messageId": "TWO"})
    assert response.json() == {"status": "stored"}
    assert connection.connection.info.backend_pid != pid
    assert len(queries) == 2  # no SELECT 1 first: the INSERT failed, then went again
    assert WebhookEvent.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        b'{"type": "X", "text": "\xed\xa0\x80"}',  # an encoded lone surrogate, no escape
        '{"type": "X", "text": "\\ud800"}'.encode("utf-16"),  # an escape, in UTF-16
        b'{"type": "X", "a": ' + b"[" * 40 + b"]" * 40 + b"}",
    ],
    ids=["utf8-surrogate", "utf16-escape", "deep"],
)
def test_bodies_the_byte_check_must_not_let_through(webhook_client, instance, body):
    response = post_event(webhook_client, instance, body)
    assert response.status_code == 400
    assert response.json() == {"error": "JSON we cannot store"}
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_costs_no_event_on_the_kept_cursor_too(webhook_client, instance):
    # As above, with no query log: the statement goes through the driver cursor kept for
    # this thread (core.statements), which belongs to the dead connection.
    assert not connection.queries_logged
    assert post_event(webhook_client, instance, EVENT).status_code == 200
    pid = _kill_this_connection()
    connection.health_check_done = False
    response = post_event(webhook_client, instance, {**EVENT, "messageId": "TWO"})
    assert response.json() == {"status": "stored"}
    assert connection.connection.info.backend_pid != pid
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_dies_mid_request_is_a_503_not_a_200(webhook_client, instance):
    # The health check was done this request, so nothing is sent again: the driver's error
    # comes back as Django's, and the receiver answers 503 for Z-API to try again.
    assert post_event(webhook_client, instance, EVENT).status_code == 200
    _kill_this_connection()
    connection.health_check_done = True
    response = post_event(webhook_client, instance, {**EVENT, "messageId": "TWO"})
    assert response.status_code == 503
    assert connection.errors_occurred  # so Django drops the connection at the request's end
    connection.close()
    assert WebhookEvent.objects.count() == 1


def test_database_instrumentation_still_sees_the_statement(webhook_client, instance):
    # connection.execute_wrapper hooks (tracing, APM) are run on the kept cursor too.
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert post_event(webhook_client, instance, EVENT).json() == {"status": "stored"}
    assert len(seen) == 1
    assert seen[0].startswith("INSERT INTO")


def stored_for_small_and_large_ids(webhook_client, instance) -> None:
    connection.close()  # a new driver connection, with nothing prepared on it yet
    large = InstanceFactory(pk=40_000)  # past a smallint
    for n, target in enumerate([instance, large, instance, large]):
        response = post_event(webhook_client, target, {**EVENT, "messageId": f"M{n}"})
        assert response.json() == {"status": "stored"}
    assert WebhookEvent.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_the_statement_is_prepared_once_whatever_the_size_of_the_id(webhook_client, instance):
    stored_for_small_and_large_ids(webhook_client, instance)
    assert len(prepared()) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_prepared_when_a_pooler_cannot_keep_it(webhook_client, instance, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    stored_for_small_and_large_ids(webhook_client, instance)
    assert len(prepared()) == 0
