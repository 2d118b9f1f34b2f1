"""Hot statements, prepared on PostgreSQL: what runs for every webhook stored.

``fetchone`` runs a statement on Django's default connection, on PostgreSQL
through a driver cursor kept for this thread's connection instead of one opened through
Django per query, whose wrapper's bookkeeping cost about as much CPU as the rest of the
receiver's Python (``bench/README.md``, "2026-12-03 (later): the receiver's statement on a
kept driver cursor"). Django's wrapper is put back on when something needs it: the query log
(``DEBUG``, ``CaptureQueriesContext``) and ``connection.execute_wrapper`` hooks. Errors are
Django's (``wrap_database_errors``), health checks and broken transactions as Django's cursor
has them.

The kept cursor binds on the server, whatever the project's ``server_side_binding``, and asks
for its statement to be prepared (``DATABASE_PREPARED_STATEMENTS``): PostgreSQL then parses
and plans it once per connection rather than every time, a third to a half of its CPU per
webhook (``bench/README.md``, "2026-12-04 evening: prepared statements"). Django's own
queries are untouched: they bind on the client (or as configured) and nothing else is
prepared (``PREPARE_WHEN_ASKED``). Off, for a pooler in transaction mode that cannot keep
prepared statements (PgBouncer before 1.21).

The cursor copies the connection's adapters (Django's, with its time zone loader), so rows
read back as through Django's cursor. Other vendors (the embedded SQLite) go through Django's
cursor, placeholders and all.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any, cast

import psycopg
from django.conf import settings
from django.db import connection
from psycopg.adapt import AdaptersMap
from psycopg.types.numeric import Int8Dumper

Params = Sequence[Any] | Mapping[str, Any]

# Django turns psycopg's prepared statements off (``prepare_threshold`` None), so that
# connection poolers keep working; psycopg then ignores ``prepare=True`` too. With a threshold
# no count reaches, what asks to be is prepared, and nothing else.
PREPARE_WHEN_ASKED = sys.maxsize

# This thread's kept cursor (Django's connections are per thread, and so is this); a new one
# once Django's connection is a new driver connection.
_kept = threading.local()


def prepared_statement_adapters(adapters: AdaptersMap) -> AdaptersMap:
    """``adapters``, now sending every Python int as a bigint (and a list of them as a
    bigint[]). psycopg types an int by its value (smallint, integer, bigint), and a prepared
    statement is one per set of types: an instance id past 32,767, or a batch mixing ids of
    two sizes, would be another statement."""
    adapters.register_dumper(int, Int8Dumper)
    return adapters


def fetchone(sql: str, params: Params) -> tuple[Any, ...] | None:
    """Run ``sql`` (autocommitted outside ``atomic()``) and return its first row."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    db: Any = connection  # the health-check flags are not in django-stubs
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    driver = db.connection
    kept: Any = getattr(_kept, "cursor", None)
    if kept is None or kept.connection is not driver:
        kept = _kept.cursor = psycopg.Cursor(driver)
        prepared_statement_adapters(kept.adapters)
        if driver.prepare_threshold is None:
            driver.prepare_threshold = PREPARE_WHEN_ASKED
    with db.wrap_database_errors:
        if db.queries_logged:
            db.make_debug_cursor(kept).execute(sql, params)  # Django's wrappers know no prepare
        elif db.execute_wrappers:
            db.make_cursor(kept).execute(sql, params)
        else:
            kept.execute(sql, params, prepare=settings.DATABASE_PREPARED_STATEMENTS)
        return cast(tuple[Any, ...] | None, kept.fetchone())
