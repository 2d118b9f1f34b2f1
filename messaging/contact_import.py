"""Contacts from a spreadsheet (CSV or XLSX): read, map columns, import in bulk, report.

Rows are read and written in chunks of ``CHUNK`` lines: each chunk's numbers are normalised
(``messaging.phones``, the same rules as compose), looked up in one query, and written with
``bulk_create`` / ``bulk_update``; never a query per row. Importing the same file again
finds every contact as it left it and changes nothing (``unchanged``).

The first row holds the column names. A column maps to ``phone``, ``name``, ``opt_out``
(a yes/no column: yes opts the contact out, no never opts anyone back in), ``var:<name>``
(a variable for personalisation, kept in ``Contact.extra``) or nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.consent import contacts_consent_set, number_hashes
from messaging.models import (
    ConsentSource,
    Contact,
    ContactImport,
    ContactListMember,
    ErasedRecipient,
    ImportState,
)
from messaging.phones import RecipientKind, recipient_normalize
from messaging.tasks import contact_import_task

CHUNK = 5_000
MAX_ROWS = 200_000
PREVIEW_ROWS = 5
PHONE, NAME, OPT_OUT, VARIABLE = "phone", "name", "opt_out", "var:"
IMPORT_FOLDER = "imports"

# Column names people use, folded (see ``_fold``), for the first guess of the mapping.
GUESSES: dict[str, tuple[str, ...]] = {
    PHONE: ("phone", "telefone", "celular", "whatsapp", "numero", "fone", "mobile", "tel",
            "phone number", "cel", "contato"),
    NAME: ("name", "nome", "nome completo", "full name", "cliente"),
    OPT_OUT: ("opt out", "optout", "opt-out", "sair", "descadastrado", "unsubscribed",
              "nao enviar", "bloqueado"),
}  # fmt: skip
# Cells that mean "yes" in an opt-out column.
YES = frozenset({"1", "x", "s", "sim", "y", "yes", "true", "verdadeiro", "opt out", "opt-out",
                 "optout", "sair"})  # fmt: skip


class ImportFileError(ValidationError):
    """The file cannot be read as a table (its message says why, for people)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Iterator[list[str]]
    total: int | None  # data rows, when known before reading them


# -- reading -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed into Excel as a number: 5511987654321.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _csv_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(gettext_lazy("The file is not text (UTF-8 or Windows-1252)."))


def _csv_table(raw: bytes) -> Table:
    text = _csv_text(raw)
    try:
        # Brazilian Excel writes ";"; others ","; some tabs.
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    total = max(sum(1 for line in text.splitlines() if line.strip()) - 1, 0)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError(gettext_lazy("The file is empty.")) from None
    except csv.Error as exc:
        raise ImportFileError(gettext_lazy("The file is not a readable CSV: %s") % exc) from None

    def rows() -> Iterator[list[str]]:
        try:
            for row in reader:
                yield [c.strip() for c in row]
        except csv.Error as exc:
            raise ImportFileError(
                gettext_lazy("The CSV breaks at line %(line)d: %(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from None

    return Table(headers, rows(), total)


def _xlsx_table(raw: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(gettext_lazy("The file is not a readable XLSX workbook.")) from exc
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell(v) for v in next(values)]
    except StopIteration:
        raise ImportFileError(gettext_lazy("The workbook's first sheet is empty.")) from None
    total = max((sheet.max_row or 1) - 1, 0)
    return Table(headers, ([_cell(v) for v in row] for row in values), total)


def table_read(raw: bytes, file_name: str) -> Table:
    """The table in a CSV or XLSX file; ``ImportFileError`` saying why when it is not one."""
    name = file_name.lower()
    if name.endswith(".xlsx") or raw[:4] == b"PK\x03\x04":
        return _xlsx_table(raw)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _csv_table(raw)
    raise ImportFileError(gettext_lazy("Import a .csv or an .xlsx file."))


def table_preview(raw: bytes, file_name: str) -> tuple[list[str], list[list[str]], int | None]:
    """The column names, the first rows and the number of data rows."""
    table = table_read(raw, file_name)
    return table.headers, list(itertools.islice(table.rows, PREVIEW_ROWS)), table.total


# -- mapping -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return slugify(text).replace("-", " ").replace("_", " ").strip()


def variable_name(header: str) -> str:
    """A column name as a variable name: ``Cidade natal`` → ``cidade_natal``."""
    return re.sub(r"[^a-z0-9_]", "", slugify(header).replace("-", "_"))[:40]


def mapping_guess(headers: Sequence[str]) -> dict[str, str]:
    """The first guess: known names for phone, name and opt-out, the rest as variables."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        folded = _fold(header)
        target = next((f for f, names in GUESSES.items() if folded in names), None)
        if target is not None and target not in taken:
            taken.add(target)
            mapping[str(index)] = target
        elif variable_name(header):
            mapping[str(index)] = VARIABLE + variable_name(header)
        else:
            mapping[str(index)] = ""
    return mapping


def mapping_check(mapping: dict[str, str]) -> dict[int, str]:
    """The mapping with integer columns; ``ValidationError`` unless one column is the phone
    and each of phone, name and opt-out is used at most once."""
    targets = [t for t in mapping.values() if t]
    if targets.count(PHONE) != 1:
        raise ValidationError(_("Choose exactly one column for the phone number."))
    for single in (NAME, OPT_OUT):
        if targets.count(single) > 1:
            raise ValidationError(_("Choose at most one column for %(field)s.") % {"field": single})
    variables = [t for t in targets if t.startswith(VARIABLE)]
    if len(variables) != len(set(variables)):
        raise ValidationError(_("Two columns have the same variable name."))
    for target in targets:
        if target not in (PHONE, NAME, OPT_OUT) and not (
            target.startswith(VARIABLE) and variable_name(target[len(VARIABLE) :])
        ):
            raise ValidationError(_("Unknown column target: %(t)s") % {"t": target[:40]})
    return {int(k): v for k, v in mapping.items() if v}


# -- importing -----------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    phone: str
    name: str
    extra: dict[str, str]
    opt_out: bool


def _parse(
    lines: Iterable[tuple[int, list[str]]],
    columns: dict[int, str],
    seen: set[str],
    erased: set[str],
    partner_id: int,
    report: ImportReport,
) -> list[_Row]:
    phone_col = next(i for i, t in columns.items() if t == PHONE)
    parsed: list[_Row] = []
    for line, cells in lines:
        if not any(cells):
            continue  # a blank line is no contact and no error
        value = cells[phone_col] if phone_col < len(cells) else ""
        recipient = recipient_normalize(value)
        if not recipient.ok or recipient.kind != RecipientKind.PHONE:
            reason = recipient.reason or _("Only phone numbers are imported")
            report.invalid.append({"line": line, "value": value[:100], "reason": reason})
            continue
        phone = recipient.chat_id
        if phone in seen:
            report.duplicates += 1
            continue
        seen.add(phone)
        if erased and not erased.isdisjoint(number_hashes(partner_id=partner_id, number=phone)):
            reason = _("Erased at the person's request: never imported again")
            report.invalid.append({"line": line, "value": value[:100], "reason": reason})
            continue
        name, extra, opt_out = "", {}, False
        for index, target in columns.items():
            cell = cells[index] if index < len(cells) else ""
            if target == NAME:
                name = cell[:200]
            elif target == OPT_OUT:
                opt_out = cell.strip().lower() in YES
            elif target.startswith(VARIABLE) and cell:
                extra[target[len(VARIABLE) :]] = cell[:500]
        parsed.append(_Row(line, phone, name, extra, opt_out))
    return parsed


@dataclass(frozen=True, slots=True)
class _Known:
    """An existing contact as the import sees it: is this row a change, is it a member."""

    pk: int
    opted_out: bool
    changed: bool  # the row brings a new name or a new or different variable
    member: bool  # already in the import's list


# On PostgreSQL a chunk travels as ONE JSON parameter read by ``json_to_recordset``: psycopg
# quotes arrays of 5,000 strings in Python (half the import's time), one JSON string it
# quotes at once. Only the model's own table and column names are formatted into the SQL.
_CONTACT = Contact._meta.db_table
_MEMBER = ContactListMember._meta.db_table


def _json_rows(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, separators=(",", ":"))


def _row_changes(known_name: str, known_extra: dict[str, Any], row: _Row) -> bool:
    """Does ``row`` change this contact? A blank cell keeps the name; variables are merged."""
    return bool(row.name and row.name != known_name) or any(
        known_extra.get(key) != value for key, value in row.extra.items()
    )


def _existing(partner_id: int, rows: list[_Row], contact_list_id: int | None) -> dict[str, _Known]:
    """The partner's contacts with these rows' phones, and whether each row changes it, in
    one query. PostgreSQL compares in the database (``@>`` is "every variable of the row is
    already there with this value"), so no contact's variables are read into Python."""
    if connection.vendor != "postgresql":
        return _existing_portable(partner_id, rows, contact_list_id)
    sql = f"""
        SELECT t.phone, c.id, c.opted_out_at IS NOT NULL,
               (t.name <> '' AND t.name <> c.name) OR NOT (c.extra @> t.extra),
               EXISTS (SELECT 1 FROM {_MEMBER} m
                       WHERE m.contact_list_id = %s AND m.contact_id = c.id)
        FROM json_to_recordset(%s::json) AS t(phone text, name text, extra jsonb)
        JOIN {_CONTACT} c ON c.partner_id = %s AND c.phone = t.phone AND c.phone <> ''
    """  # noqa: S608
    data = _json_rows({"phone": r.phone, "name": r.name, "extra": r.extra} for r in rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, [contact_list_id, data, partner_id])
        return {
            phone: _Known(pk, opted_out, changed, member)
            for phone, pk, opted_out, changed, member in cursor.fetchall()
        }


def _existing_portable(
    partner_id: int, rows: list[_Row], contact_list_id: int | None
) -> dict[str, _Known]:
    by_phone = {r.phone: r for r in rows}
    found = (
        Contact.objects.filter(partner_id=partner_id, phone__in=list(by_phone))
        .exclude(phone="")
        .values_list("pk", "phone", "name", "extra", "opted_out_at")
    )
    known = {phone: (pk, name, extra or {}, out) for pk, phone, name, extra, out in found}
    members: set[int] = set()
    if contact_list_id is not None and known:
        members = set(
            ContactListMember.objects.filter(
                contact_list_id=contact_list_id, contact_id__in=[k[0] for k in known.values()]
            ).values_list("contact_id", flat=True)
        )
    return {
        phone: _Known(
            pk, out is not None, _row_changes(name, extra, by_phone[phone]), pk in members
        )
        for phone, (pk, name, extra, out) in known.items()
    }


def _contacts_insert(partner_id: int, rows: list[_Row], now: datetime) -> dict[str, int]:
    """Create these contacts; their ids by phone. On PostgreSQL one ``INSERT ... SELECT``
    per chunk, with the model's own defaults for every other column: a model instance per
    row costs more than the insert itself."""
    if not rows:
        return {}
    if connection.vendor != "postgresql":
        contacts = [
            Contact(partner_id=partner_id, phone=r.phone, name=r.name, extra=r.extra) for r in rows
        ]
        Contact.objects.bulk_create(contacts, batch_size=2_000)
        return {c.phone: c.pk for c in contacts}
    given = {"phone": "t.phone", "name": "t.name", "extra": "t.extra"}
    columns, values, params = [], [], []
    for column in Contact._meta.concrete_fields:
        if column.primary_key:
            continue
        columns.append(connection.ops.quote_name(column.column))
        if column.name in given:
            values.append(given[column.name])
            continue
        value = {"partner": partner_id, "created_at": now, "updated_at": now}.get(
            column.name, column.get_default()
        )
        values.append("%s")
        params.append(column.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {_CONTACT} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608
        "FROM json_to_recordset(%s::json) AS t(phone text, name text, extra jsonb) "
        "RETURNING id, phone"
    )
    params.append(_json_rows({"phone": r.phone, "name": r.name, "extra": r.extra} for r in rows))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {phone: pk for pk, phone in cursor.fetchall()}


def _contacts_update(changes: list[tuple[int, _Row]], now: datetime) -> None:
    """Give these contacts the rows' names (a blank cell keeps the name) and merge in their
    variables. On PostgreSQL one ``UPDATE ... FROM json_to_recordset(...)``, merged by the
    database (``||``): ``bulk_update``'s CASE per row grows with the square of the batch."""
    if not changes:
        return
    if connection.vendor != "postgresql":
        contacts = Contact.objects.in_bulk([pk for pk, _row in changes])
        for pk, row in changes:
            contact = contacts[pk]
            contact.name = row.name or contact.name
            contact.extra = {**(contact.extra or {}), **row.extra}
            contact.updated_at = now
        Contact.objects.bulk_update(contacts.values(), ["name", "extra", "updated_at"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_CONTACT} AS c SET "  # noqa: S608
            "name = CASE WHEN t.name <> '' THEN t.name ELSE c.name END, "
            "extra = c.extra || t.extra, updated_at = %s "
            "FROM json_to_recordset(%s::json) AS t(id bigint, name text, extra jsonb) "
            "WHERE c.id = t.id",
            [now, _json_rows({"id": pk, "name": r.name, "extra": r.extra} for pk, r in changes)],
        )


def _members_insert(contact_list_id: int, contact_ids: list[int], now: datetime) -> None:
    if connection.vendor != "postgresql":
        ContactListMember.objects.bulk_create(
            [ContactListMember(contact_id=pk, contact_list_id=contact_list_id, added_at=now)
             for pk in contact_ids],
            batch_size=5_000,
            ignore_conflicts=True,
        )  # fmt: skip
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_MEMBER} (contact_id, contact_list_id, added_at) "  # noqa: S608
            "SELECT value::bigint, %s, %s FROM json_array_elements_text(%s::json) "
            "ON CONFLICT DO NOTHING",
            [contact_list_id, now, json.dumps(contact_ids)],
        )


def _write(
    rows: list[_Row],
    *,
    partner_id: int,
    contact_list_id: int | None,
    source_name: str,
    report: ImportReport,
) -> None:
    existing = _existing(partner_id, rows, contact_list_id)
    now = timezone.now()
    new: list[_Row] = []
    changed: list[tuple[int, _Row]] = []
    opt_out_ids: list[int] = []
    member_ids: list[int] = []
    for row in rows:
        known = existing.get(row.phone)
        if known is None:
            new.append(row)
            continue
        wants_out = row.opt_out and not known.opted_out
        if known.changed or wants_out:
            changed.append((known.pk, row))
        else:
            report.unchanged += 1
        if wants_out:
            opt_out_ids.append(known.pk)
        if not known.member:
            member_ids.append(known.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A chunk's COMMIT need not wait for its WAL flush (a third of a loaded import's
            # time went there): a crash can lose only the last chunks, and running the import
            # again writes them, since it is idempotent. The job's closing update is an
            # ordinary commit, and flushes every chunk before the report says "done".
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        created = _contacts_insert(partner_id, new, now)
        _contacts_update(changed, now)
        member_ids += created.values()
        if contact_list_id is not None and member_ids:
            _members_insert(contact_list_id, member_ids, now)
        opt_out_ids += [created[r.phone] for r in new if r.opt_out]
        if opt_out_ids:
            contacts_consent_set(
                contact_ids=opt_out_ids,
                opted_out=True,
                source=ConsentSource.IMPORT,
                reason=source_name[:500],
            )
    report.created += len(new)
    report.updated += len(changed)


def contacts_import(
    *,
    partner_id: int,
    rows: Iterable[list[str]],
    mapping: dict[str, str],
    contact_list_id: int | None = None,
    source_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import data rows (the header row already read) into the partner's contacts; the
    first data row is line 2 of the file. ``progress`` is told how many lines are done."""
    columns = mapping_check(mapping)
    report = ImportReport()
    seen: set[str] = set()
    erased = set(
        ErasedRecipient.objects.filter(partner_id=partner_id).values_list("number_hash", flat=True)
    )
    numbered = enumerate(rows, start=2)
    done = 0
    while chunk := list(itertools.islice(numbered, CHUNK)):
        if chunk[-1][0] - 1 > MAX_ROWS:
            raise ImportFileError(
                gettext_lazy("Import at most %(max)d rows at a time.") % {"max": MAX_ROWS}
            )
        parsed = _parse(chunk, columns, seen, erased, partner_id, report)
        if parsed:
            _write(
                parsed, partner_id=partner_id, contact_list_id=contact_list_id,
                source_name=source_name, report=report,
            )  # fmt: skip
        done += len(chunk)
        if progress is not None:
            progress(done)
    return report


# -- the import as a job (pages and the Celery task) ---------------------------------------


def contact_import_create(
    *, partner_id: int, user: Any, upload: Any, contact_list_id: int | None = None
) -> ContactImport:
    """Keep an uploaded file and read its columns (``ImportFileError`` when unreadable)."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if upload.size is not None and upload.size > settings.FILE_UPLOAD_MAX_SIZE:
        raise ImportFileError(
            _("This file is larger than %(limit)d MB.")
            % {"limit": settings.FILE_UPLOAD_MAX_SIZE // (1024 * 1024)}
        )
    raw = upload.read()
    name = Path(upload.name or "contacts.csv").name[:200]
    headers, _rows, total = table_preview(raw, name)
    stored = default_storage.save(f"{IMPORT_FOLDER}/{uuid.uuid4().hex}/{name}", ContentFile(raw))
    return ContactImport.objects.create(
        partner_id=partner_id,
        user=user if getattr(user, "pk", None) else None,
        file_name=name,
        stored_path=stored,
        mapping=mapping_guess(headers),
        contact_list_id=contact_list_id,
        total=total or 0,
    )


def contact_import_file(job: ContactImport) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(job.stored_path, "rb") as handle:
        return bytes(handle.read())


def contact_import_start(*, job: ContactImport, mapping: dict[str, str]) -> None:
    """Save the chosen columns and queue the import (after the transaction commits)."""
    mapping_check(mapping)
    updated = ContactImport.objects.filter(pk=job.pk, state=ImportState.MAPPING).update(
        mapping=mapping, state=ImportState.QUEUED
    )
    if updated:
        job_id = job.pk
        transaction.on_commit(lambda: contact_import_task.delay(job_id))


def contact_import_run(*, import_id: int) -> str:
    """Run a queued import. Safe to run twice (a redelivered task): the import itself is
    idempotent, and a finished one is left alone."""
    claimed = ContactImport.objects.filter(
        pk=import_id, state__in=[ImportState.QUEUED, ImportState.RUNNING]
    ).update(state=ImportState.RUNNING, processed=0)
    if not claimed:
        return "not queued"
    job = ContactImport.objects.get(pk=import_id)

    def progress(done: int) -> None:
        ContactImport.objects.filter(pk=import_id).update(processed=done)

    try:
        table = table_read(contact_import_file(job), job.file_name)
        report = contacts_import(
            partner_id=job.partner_id,
            rows=table.rows,
            mapping=job.mapping,
            contact_list_id=job.contact_list_id,
            source_name=_("Import of %(file)s") % {"file": job.file_name},
            progress=progress,
        )
    except ValidationError as exc:
        _finish(import_id, state=ImportState.FAILED, error=" ".join(exc.messages))
        return "failed"
    _finish(import_id, state=ImportState.DONE, report=report.as_dict())
    return f"{report.created} created, {report.updated} updated, {len(report.invalid)} invalid"


def _finish(import_id: int, **outcome: Any) -> None:
    """Record the end of an import and, in the same transaction, hand it to the campaigns
    waiting on it as their audience file (their recipients are written with it, once)."""
    from messaging.campaigns.services import campaigns_import_finished

    with transaction.atomic():
        ContactImport.objects.filter(pk=import_id).update(**outcome, finished_at=timezone.now())
        campaigns_import_finished(job=ContactImport.objects.get(pk=import_id))
