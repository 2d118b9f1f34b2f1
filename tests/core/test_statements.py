"""Hot statements (core.statements): prepared once per connection on PostgreSQL, and
otherwise as through Django's cursor: its errors, its query log, its hooks."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from core import statements
from instances.models import Instance
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db

SUM = "SELECT sum(x)::bigint FROM unnest(%(numbers)s::bigint[]) AS x WHERE %(floor)s <= x"


def prepared() -> dict[str, str]:
    """The statements prepared on this connection, by name."""
    with connection.cursor() as cursor:  # Django's own cursor binds on the client: never one
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def prepared_since(before: dict[str, str]) -> list[str]:
    return [statement for name, statement in prepared().items() if name not in before]


def test_a_statement_is_prepared_once_whatever_the_size_of_its_integers():
    before = prepared()
    assert statements.fetchone(SUM, {"numbers": [1, 2], "floor": 0}) == (3,)
    once = prepared_since(before)
    assert len(once) == 1 and "unnest" in once[0]
    # psycopg types an int by its value: without bigints each of these was another statement.
    for numbers, floor in (([40_000], 1), ([2**40, 5], 40_000), ([7], 2**40)):
        statements.fetchone(SUM, {"numbers": numbers, "floor": floor})
    assert prepared_since(before) == once


def test_django_s_own_queries_are_not_prepared():
    before = prepared()
    statements.fetchone(SUM, {"numbers": [1], "floor": 0})  # the connection now may prepare
    InstanceFactory()
    for _ in range(10):
        assert Instance.objects.filter(pk__gt=0).count() == 1
    assert len(prepared_since(before)) == 1  # only the one that asked


def test_nothing_is_prepared_when_a_pooler_cannot_keep_it(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    before = prepared()
    assert statements.fetchone(SUM, {"numbers": [1, 2], "floor": 2}) == (2,)
    assert prepared() == before


def test_errors_are_django_s_and_a_broken_transaction_is_refused_as_django_refuses_it():
    with pytest.raises(DatabaseError), transaction.atomic():
        statements.fetchone("SELECT no_such_column FROM instances_instance", [])
    with transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic(savepoint=False):
            statements.fetchone("SELECT 1 / 0", [])
        with pytest.raises(TransactionManagementError):
            statements.fetchone("SELECT 1", [])


def test_the_query_log_and_database_hooks_still_see_the_statement():
    with CaptureQueriesContext(connection) as queries:
        assert statements.fetchone(SUM, {"numbers": [4], "floor": 0}) == (4,)
    assert len(queries) == 1 and "unnest" in queries[0]["sql"]
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert statements.fetchone(SUM, {"numbers": [4, 5], "floor": 5}) == (5,)
    assert seen == [SUM]
