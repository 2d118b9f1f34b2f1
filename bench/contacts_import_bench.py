"""How fast does a 100,000-row spreadsheet import? (target: at most 20 s on this machine)

    .venv/bin/python bench/contacts_import_bench.py [--rows 100000] [--xlsx]

(DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/zapi_bench_contacts.)

Creates a throwaway database (``test_<name>``, dropped at the end) and a messy file the way
people make them: phones written in five different Brazilian ways, a name, two variables,
an opt-out column with 2% "sim", 1% invalid numbers and 1% numbers repeated. Times, through
``messaging.contact_import.contacts_import`` (what the Celery task and the command run):

1. the first import into an empty book (every contact created, the list filled);
2. the same file again (everything unchanged: the idempotent re-import);
3. the file with 10% of the names changed (updates).

Prints the wall time, this process's CPU time (the import's Python side), the CPU time of the
PostgreSQL process serving it (the database's side: the wall time also waits for the disk and
for other processes), rows per second, SQL queries and the report of each run. On a shared,
loaded machine compare the two CPU columns and the ratios between runs, not the wall alone.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zapi_bench_contacts")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")

FORMATS = [
    "({ddd}) 9{a:04d}-{b:04d}",
    "+55 {ddd} 9{a:04d} {b:04d}",
    "55{ddd}9{a:04d}{b:04d}",
    "0{ddd} 9{a:04d}-{b:04d}",
    "{ddd} 9{a:04d}{b:04d}",
]


def messy_file(rows: int, *, renamed: float = 0.0, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Nome", "Celular", "Cidade", "Plano", "Sair"])
    for n in range(rows):
        if n % 100 == 37:
            phone = rng.choice(["abc", "123", "9" * 25, "(11) 1234", ""])
        elif n % 100 == 71 and n > 100:
            phone = f"(11) 9{(n - 50) // 10000:04d}-{(n - 50) % 10000:04d}"  # seen before
        else:
            phone = rng.choice(FORMATS).format(ddd=11 + n % 3 * 10, a=n // 10000, b=n % 10000)
        name = f"Pessoa {n}" + (" (nova)" if rng.random() < renamed else "")
        writer.writerow([name, phone, rng.choice(["São Paulo", "Rio", "BH"]), "Ouro",
                         "sim" if n % 50 == 3 else ""])  # fmt: skip
    return out.getvalue().encode()


def xlsx_of(raw: bytes) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in csv.reader(io.StringIO(raw.decode()), delimiter=";"):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(label: str, raw: bytes, name: str, partner_id: int, list_id: int) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from bench.common import cpu_seconds, database_pids
    from messaging.contact_import import contacts_import, mapping_guess, table_read

    reset_queries()
    backend = database_pids()
    db_cpu = cpu_seconds(backend)
    cpu = time.process_time()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        table = table_read(raw, name)
        report = contacts_import(
            partner_id=partner_id,
            rows=table.rows,
            mapping=mapping_guess(table.headers),
            contact_list_id=list_id,
            source_name=name,
        )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    db_cpu = cpu_seconds(backend) - db_cpu
    rows = report.created + report.updated + report.unchanged + len(report.invalid)
    rows += report.duplicates
    print(
        f"{label:<26} {seconds:>7.2f} s wall {cpu:>6.2f} s CPU + {db_cpu:>5.2f} s database CPU "
        f"{rows / seconds:>8,.0f} rows/s "
        f"{len(queries):>4} queries  "
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"invalid {len(report.invalid)}, duplicates {report.duplicates}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="import an XLSX instead of a CSV")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.common import test_database
    from messaging.contacts import contact_list_get_or_create
    from messaging.models import Contact
    from partners.models import Partner

    with test_database():
        partner = Partner.objects.create(name="Bench")
        contact_list = contact_list_get_or_create(partner_id=partner.pk, name="Feira")
        first = messy_file(args.rows)
        changed = messy_file(args.rows, renamed=0.10)
        name = "contacts.csv"
        if args.xlsx:
            first, changed, name = xlsx_of(first), xlsx_of(changed), "contacts.xlsx"
        print(f"{args.rows:,} rows, {len(first) / 1e6:.1f} MB {name}\n")
        run("1. first import", first, name, partner.pk, contact_list.pk)
        run("2. same file again", first, name, partner.pk, contact_list.pk)
        run("3. 10% of names changed", changed, name, partner.pk, contact_list.pk)
        print(f"\ncontacts in the book: {Contact.objects.count():,}")


if __name__ == "__main__":
    main()
