"""/api/contact-imports/: a CSV or XLSX file into the contact book through the import page's
service and task, the same limits; an oversized upload is a clear 413 or 400."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.contact_import import contact_import_run
from messaging.models import Contact, ContactImport, ContactList, ImportState

pytestmark = pytest.mark.django_db

CSV = "telefone,nome,cidade\n(11) 98765-4321,Ana,Campinas\nabc,Bia,Santos\n11987654321,Ana,x\n"


def upload(name: str = "leads.csv", raw: bytes = CSV.encode()) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def test_a_csv_is_imported_by_the_pages_job_with_its_report(api, partner):
    answer = api.post("/api/contact-imports/", {"file": upload(), "list_name": "Leads"},
                      format="multipart")  # fmt: skip
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert job["state"] == ImportState.QUEUED and job["total"] == 3
    assert set(job["mapping"].values()) >= {"phone", "name", "var:cidade"}
    contact_import_run(import_id=job["id"])  # what the queued task runs
    done = api.get(f"/api/contact-imports/{job['id']}/").json()
    assert (done["state"], done["percent"]) == ("done", 100)
    report = done["report"]
    assert (report["created"], report["duplicates"], len(report["invalid"])) == (1, 1, 1)
    assert report["invalid"][0]["line"] == 3
    ana = Contact.objects.get(partner=partner)
    assert (ana.phone, ana.name, ana.extra["cidade"]) == ("5511987654321", "Ana", "Campinas")
    assert list(ContactList.objects.get(pk=done["list"]).contacts.all()) == [ana]


def test_an_xlsx_waits_for_its_columns_then_starts(api, partner):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nome", "Celular"])
    sheet.append(["Caio", "+55 21 99876-5432"])
    raw = io.BytesIO()
    book.save(raw)
    answer = api.post("/api/contact-imports/",
                      {"file": upload("people.xlsx", raw.getvalue()), "start": "false"},
                      format="multipart")  # fmt: skip
    assert answer.status_code == 202, answer.content
    pk = answer.json()["id"]
    assert answer.json()["state"] == ImportState.MAPPING
    columns = api.get(f"/api/contact-imports/{pk}/columns/").json()
    assert columns["headers"] == ["Nome", "Celular"]
    bad = api.post(f"/api/contact-imports/{pk}/start/", {"mapping": {"0": "name"}}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()["errors"][0]["detail"]
    started = api.post(f"/api/contact-imports/{pk}/start/",
                       {"mapping": {"0": "name", "1": "phone"}}, format="json")  # fmt: skip
    assert started.status_code == 202, started.content
    contact_import_run(import_id=pk)
    assert Contact.objects.get(partner=partner).phone == "5521998765432"
    again = api.post(f"/api/contact-imports/{pk}/start/", {}, format="json")
    assert again.status_code == 409


def test_an_unreadable_file_is_a_400_that_says_why(api):
    answer = api.post("/api/contact-imports/", {"file": upload("notes.pdf", b"hello")},
                      format="multipart")  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["attr"] == "file"
    assert ".csv or an .xlsx" in answer.json()["errors"][0]["detail"]
    assert not ContactImport.objects.exists()


def test_columns_it_cannot_guess_wait_for_the_caller(api):
    answer = api.post("/api/contact-imports/", {"file": upload("notes.txt", b"hello\nworld\n")},
                      format="multipart")  # fmt: skip
    assert answer.status_code == 202
    assert answer.json()["state"] == ImportState.MAPPING
    assert "phone" in answer.json()["start_refused"]


def test_a_file_over_the_limit_is_a_400_and_a_body_over_it_a_413(api, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1024 * 1024
    big = upload(raw=CSV.encode() + b"1" * (1024 * 1024))
    answer = api.post("/api/contact-imports/", {"file": big}, format="multipart")
    assert answer.status_code in (400, 413), answer.content
    assert answer.json()["errors"][0]["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    huge = upload(raw=CSV.encode() + b"1" * (3 * 1024 * 1024))
    answer = api.post("/api/contact-imports/", {"file": huge}, format="multipart")
    assert answer.status_code == 413
    body = answer.json()
    assert body["type"] == "client_error" and body["errors"][0]["code"] == "request_too_large"
    assert "largest upload accepted is 1.0" in body["errors"][0]["detail"]
    assert not ContactImport.objects.exists() and not Contact.objects.exists()
