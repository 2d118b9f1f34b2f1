"""The fleet list on a 1400 px screen: every column fits, the 24 h uptime strip included."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, screenshot
from tests.factories import InstanceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_24h_column_is_not_clipped_at_1400_px(browser, live_url, operator, partner):
    for n in range(3):
        InstanceFactory(
            partner=partner,
            name=f"Loja Centro São Paulo — atendimento {n}",
            phone="5511987654321",
            zapi_queue_size=12,
        )
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        login(page, live_url, operator)
        page.goto(f"{live_url}/instances/instance/")
        page.wait_for_selector("td.field-uptime svg")
        screenshot(page, "fleet-list-1400")
        box = page.evaluate(
            """() => {
                const cell = document.querySelector('td.field-uptime svg').getBoundingClientRect();
                const frame = document.querySelector('#changelist').getBoundingClientRect();
                const scroller = document.querySelector('.results') || document.body;
                return {right: cell.right, frame: frame.right, view: window.innerWidth,
                        scroll: scroller.scrollWidth, client: scroller.clientWidth};
            }"""
        )
        assert box["right"] <= min(box["frame"], box["view"]), box
        assert box["scroll"] <= box["client"], box  # nothing hidden behind a scrollbar
    finally:
        context.close()


def test_sort_by_our_queue_search_and_select_all_in_the_browser(
    browser, live_url, operator, partner
):
    from messaging.models import Message

    for name, waiting in [("Alpha", 0), ("Bravo", 2), ("Charlie", 1)]:
        instance = InstanceFactory(partner=partner, name=name, phone=f"55119{len(name):08d}")
        Message.objects.bulk_create(
            Message(instance=instance, direction="out", chat_id="55119", state="queued")
            for _ in range(waiting)
        )
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        login(page, live_url, operator)
        page.goto(f"{live_url}/instances/instance/")
        page.click("th.column-pending a")  # sort by our queue, fewest first
        page.wait_for_url("**o=*")
        names = page.locator("td.field-name_link a").all_inner_texts()
        assert names == ["Alpha", "Charlie", "Bravo"]
        page.click("th.column-pending a.toggle")
        page.wait_for_load_state()
        names = page.locator("td.field-name_link a").all_inner_texts()
        assert names == ["Bravo", "Charlie", "Alpha"]
        screenshot(page, "fleet-list-sorted-by-our-queue")
        # the rows' checkboxes (drawn by InstanceAdmin.action_checkbox) work with "select all"
        page.check("#action-toggle")
        assert page.locator("input.action-select:checked").count() == 3
        page.fill("#searchbar", "5511900000007")  # Charlie's phone
        page.press("#searchbar", "Enter")
        page.wait_for_url("**q=*")
        assert page.locator("td.field-name_link a").all_inner_texts() == ["Charlie"]
        screenshot(page, "fleet-list-search-phone")
    finally:
        context.close()
