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
