"""Importing a messy spreadsheet: bad rows with reasons, duplicates, variables, opt-outs, lists,
an idempotent re-import, XLSX like CSV, and the command's JSON summary."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from messaging.consent import recipient_refusal
from messaging.contact_import import (
    ImportFileError,
    contacts_import,
    mapping_guess,
    table_preview,
    table_read,
)
from messaging.contacts import contact_list_get_or_create
from messaging.models import ConsentSource, Contact

pytestmark = pytest.mark.django_db

MESSY = (
    "Nome;Telefone;Cidade;Sair\n"
    "Ana Souza;(11) 98765-4321;São Paulo;\n"
    "Bruno;+55 21 99876-5432;Rio;sim\n"
    "Carla;abc;Campinas;\n"
    ";;;\n"  # a blank line: nothing, not an error
    "Ana again;11 98765-4321;Santos;\n"  # the same number as line 2: a duplicate
    "Davi;55 31 8765-4321;BH;\n"  # old 8-digit mobile: imported with its ninth digit
    "Eva;123;Recife;\n"
    "Fábio;011 3456-7890;;\n"  # a landline
)


def run(partner, text=MESSY, name="contacts.csv", **kwargs):
    table = table_read(text.encode() if isinstance(text, str) else text, name)
    return contacts_import(
        partner_id=partner.pk, rows=table.rows, mapping=mapping_guess(table.headers), **kwargs
    )


def test_a_messy_file_reports_each_refused_row_with_its_line_and_reason(partner):
    report = run(partner)
    assert (report.created, report.updated, report.unchanged, report.duplicates) == (4, 0, 0, 1)
    assert report.invalid == [
        {"line": 4, "value": "abc", "reason": "Not a phone number"},
        {"line": 8, "value": "123", "reason": "Too short to be a phone number"},
    ]
    ana = Contact.objects.get(phone="5511987654321")
    assert (ana.name, ana.extra) == ("Ana Souza", {"cidade": "São Paulo"})
    assert Contact.objects.filter(phone="5531987654321", name="Davi").exists()
    assert Contact.objects.get(phone="551134567890").extra == {}


def test_the_opt_out_column_opts_out_with_the_import_as_source(partner):
    run(partner)
    bruno = Contact.objects.get(phone="5521998765432")
    assert bruno.opted_out_at is not None
    assert bruno.consent_changes.get().source == ConsentSource.IMPORT
    assert recipient_refusal(partner_id=partner.pk, value="5521998765432") is not None
    assert Contact.objects.get(phone="5511987654321").opted_out_at is None


def test_importing_the_same_file_again_changes_nothing(partner):
    contact_list = contact_list_get_or_create(partner_id=partner.pk, name="Clientes")
    run(partner, contact_list_id=contact_list.pk)
    before = list(Contact.objects.order_by("pk").values())
    report = run(partner, contact_list_id=contact_list.pk)
    assert (report.created, report.updated, report.unchanged, report.duplicates) == (0, 0, 4, 1)
    assert list(Contact.objects.order_by("pk").values()) == before
    assert contact_list.contacts.count() == 4
    assert Contact.objects.get(phone="5521998765432").consent_changes.count() == 1


def test_a_changed_row_updates_and_keeps_what_the_file_leaves_empty(partner):
    run(partner)
    report = run(partner, "nome,celular,cidade\nAna S.,5511987654321,\nNovo,5511912345678,Sul\n")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    ana = Contact.objects.get(phone="5511987654321")
    assert (ana.name, ana.extra) == ("Ana S.", {"cidade": "São Paulo"})


def test_a_new_variable_merges_and_an_opt_out_alone_counts_as_an_update(partner):
    run(partner)
    text = "nome;celular;plano;sair\n;5511987654321;Ouro;\nFábio;011 3456-7890;;sim\n"
    report = run(partner, text)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    ana = Contact.objects.get(phone="5511987654321")
    assert (ana.name, ana.extra) == ("Ana Souza", {"cidade": "São Paulo", "plano": "Ouro"})
    assert Contact.objects.get(phone="551134567890").opted_out_at is not None
    again = run(partner, text)
    assert (again.updated, again.unchanged) == (0, 2)


def test_the_import_is_done_in_bulk_not_a_row_at_a_time(partner, django_assert_max_num_queries):
    rows = "phone,name\n" + "".join(f"+55 11 9{n:04d}-{n:04d},P{n}\n" for n in range(1000, 1600))
    with django_assert_max_num_queries(12):
        report = run(partner, rows)
    assert report.created == 600


def test_xlsx_reads_like_csv_numbers_included(partner):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "WhatsApp", "Plano"])
    sheet.append(["Ana", 5511987654321, "Ouro"])  # Excel keeps a phone as a number
    sheet.append(["Bia", "(21) 99876-5432", None])
    sheet.append(["Zé", "0800", "Prata"])
    buffer = io.BytesIO()
    book.save(buffer)
    headers, first, total = table_preview(buffer.getvalue(), "list.xlsx")
    assert (headers, first[0], total) == (
        ["Name", "WhatsApp", "Plano"],
        ["Ana", "5511987654321", "Ouro"],
        3,
    )
    report = run(partner, buffer.getvalue(), "list.xlsx")
    assert (report.created, [i["line"] for i in report.invalid]) == (2, [4])
    assert Contact.objects.get(phone="5511987654321").extra == {"plano": "Ouro"}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"\x89PNG\r\n", "photo.png", ".csv or an .xlsx"),
        (b"PK\x03\x04broken", "broken.xlsx", "not a readable XLSX"),
    ],
)
def test_an_unreadable_file_says_why(content, name, message):
    with pytest.raises(ImportFileError) as error:
        table = table_read(content, name)
        list(table.rows)
    assert message is None or message in " ".join(error.value.messages)


def test_without_a_phone_column_nothing_is_imported(partner):
    with pytest.raises(Exception, match="phone"):
        run(partner, "nome,cidade\nAna,SP\n")
    assert not Contact.objects.exists()


def test_the_command_prints_the_json_summary(partner, tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_text(MESSY, encoding="utf-8")
    call_command("contacts_import", str(path), partner="Acme", list="Feira")
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "invalid": [
            {"line": 4, "value": "abc", "reason": "Not a phone number"},
            {"line": 8, "value": "123", "reason": "Too short to be a phone number"},
        ],
        "duplicates": 1,
    }
    assert partner.contact_lists.get(name="Feira").contacts.count() == 4
    call_command("contacts_import", str(path), partner="Acme")
    assert json.loads(capsys.readouterr().out)["unchanged"] == 4
    with pytest.raises(CommandError, match="No partner"):
        call_command("contacts_import", str(path), partner="Nobody")
