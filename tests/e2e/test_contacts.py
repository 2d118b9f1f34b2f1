"""The contact book in Chromium: import a spreadsheet and watch its progress bar (htmx) run to
the report, with a real Celery worker; then the list and a contact's page."""

from __future__ import annotations

import pytest

from messaging.models import Contact, ContactImport, ImportState
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 60_000  # enough for the bar to be seen moving on this machine


def test_import_shows_its_progress_bar_then_the_report(
    page, live_url, celery_worker, partner, operator, tmp_path
):
    lines = ["Nome;Celular;Cidade"]
    lines += [f"Pessoa {n};(11) 9{n // 10000:04d}-{n % 10000:04d};Campinas" for n in range(ROWS)]
    lines += ["Sem número;abc;Nenhuma", "Repetida;(11) 90000-0001;Campinas"]
    path = tmp_path / "clientes.csv"
    path.write_text("\n".join(lines), encoding="utf-8")

    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/contact/")
    page.click("text=Import contacts")
    page.set_input_files("[name=file]", str(path))
    page.fill("[name=list_name]", "Clientes")
    page.click("input[type=submit][value='Upload and preview']")
    page.wait_for_selector("table.import-preview")
    assert page.input_value("select[name=column_1]") == "phone"
    screenshot(page, "contacts-import-columns")
    page.click("input[type=submit][value='Import']")

    page.wait_for_selector("#import-progress[data-state=running]", timeout=60_000)
    # The bar moves while it runs (a selector, not a script: the CSP allows no eval).
    page.wait_for_selector(
        "#import-progress[data-state=running] .progress-bar:not([aria-valuenow='0'])",
        timeout=60_000,
    )
    screenshot(page, "contacts-import-progress")
    page.wait_for_selector("#import-progress[data-state=done]", timeout=120_000)
    assert page.inner_text("[data-count=created]") == str(ROWS)
    assert page.inner_text("[data-count=duplicates]") == "1"
    assert "Not a phone number" in page.inner_text(".import-invalid")
    screenshot(page, "contacts-import-report")
    job = ContactImport.objects.get()
    assert job.state == ImportState.DONE and job.processed == ROWS + 2

    page.click("text=See the contacts")
    page.wait_for_selector("#result_list")
    screenshot(page, "contacts-list")
    ana = Contact.objects.get(phone="5511900000001")
    page.goto(f"{live_url}/messaging/contact/{ana.pk}/change/")
    page.wait_for_selector(".consent-status")
    assert "Clientes" in page.inner_text(".contact-facts")
    screenshot(page, "contacts-contact")


def test_add_a_contact_by_hand(page, live_url, partner, operator):
    Contact.objects.create(partner=partner, phone="5511987654321", name="Ana")
    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/contact/")
    page.click('a.addlink[href$="/messaging/contact/add/"]')
    page.fill("[name=name]", "Carla")
    page.fill("[name=phone]", "+55 11 98765-4321")
    page.click("input[type=submit][value='Add']")
    page.wait_for_selector(".contact-exists")
    screenshot(page, "contacts-add-duplicate")
    page.fill("[name=phone]", "(11) 98765-1111")
    page.fill("[name=variables]", "cidade = Campinas")
    page.click("input[type=submit][value='Add']")
    page.wait_for_selector(".consent-status")
    assert "5511987651111" in page.inner_text(".contact-facts")
    screenshot(page, "contacts-add-done")


def test_bulk_erase_asks_first_naming_how_many(page, live_url, partner, operator):
    for n in range(3):
        Contact.objects.create(partner=partner, phone=f"551198765000{n}", name=f"Pessoa {n}")
    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/contact/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "erase_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".contacts-erase-count")
    assert "Erasing 3 contacts" in page.inner_text(".contacts-erase-count")
    screenshot(page, "contacts-bulk-erase-confirm")
    page.click("input[type=submit][value='Yes, erase them']")
    page.wait_for_selector("#result_list, .paginator")
    assert Contact.objects.count() == 0
