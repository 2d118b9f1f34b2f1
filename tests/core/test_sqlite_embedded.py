"""The embedded defaults share one SQLite file between web, worker and beat: WAL, a busy
timeout and IMMEDIATE transactions, so a writer waits for another instead of failing with
"database is locked" (the worker's queue tick did, a minute after ``manage.py up``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.embedded import embedded_lines

SCRIPT = textwrap.dedent(
    """
    import threading, time
    import django
    django.setup()
    from django.db import connection, connections, transaction

    with connection.cursor() as c:
        print("journal", c.execute("PRAGMA journal_mode").fetchone()[0])
        print("busy", c.execute("PRAGMA busy_timeout").fetchone()[0])
        c.execute("CREATE TABLE IF NOT EXISTS t (x integer)")
    errors = []

    def writer(read_first_wait, hold):
        try:
            with transaction.atomic():
                with connection.cursor() as c:
                    c.execute("SELECT count(*) FROM t")  # a read, then the write
                    time.sleep(read_first_wait)
                    c.execute("INSERT INTO t VALUES (1)")
                    time.sleep(hold)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(0.0, 0.6)),
               threading.Thread(target=writer, args=(0.2, 0.0))]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    print("errors", errors)
    """
)


def test_two_writers_on_the_embedded_sqlite_wait_for_each_other(tmp_path: Path):
    lines = embedded_lines(SCRIPT, tmp_path, timeout=120)
    assert lines["journal"] == "wal"
    assert int(lines["busy"]) >= 5000
    assert lines["errors"] == "[]"
