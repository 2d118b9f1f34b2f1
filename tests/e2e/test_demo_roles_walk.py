"""Issue 11, "done when": a new user who logs in as each demo role (the logins ``manage.py up``
prints) sees only what that role can use and never a 500. In Chromium, for each demo login:
the main navigation is exactly what the capability table gives the role; every navigation
page and every tab of every demo number opens; and every link on those pages that stays on
the dashboard answers without a refusal (a link the role cannot follow is something it sees
but cannot use) and without a server error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from core.demo import DEMO_PARTNER, DEMO_ROLES, demo_load
from core.navigation import NAV
from instances.models import Instance
from instances.views.common import TABS
from partners.roles import CAPABILITIES, Capability, Role
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_OF = {username: role for username, role, _what in DEMO_ROLES}
# Links that change something on a GET (none should) or leave the dashboard's pages.
NOT_FOLLOWED = ("/logout", "/sandbox/", "/static/", "/media/", "/messaging/message/media/")


def _expected_nav(role: Role | None) -> list[str]:
    """The navigation keys the capability table gives a demo login (``None``: staff admin)."""
    if role is None:  # staff sees every partner: members go through the partner list
        return [item.key for item in NAV if item.key != "members"]
    can = CAPABILITIES[role]
    return [
        item.key
        for item in NAV
        if not item.staff_only and any(c in can for c in item.capabilities())
    ]


def _links(page, base: str) -> set[str]:
    hrefs = page.eval_on_selector_all("#content a[href]", "as => as.map(a => a.href)")
    found = set()
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or not parts.path.startswith("/"):
            continue
        if any(parts.path.startswith(p) for p in NOT_FOLLOWED):
            continue
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _open(page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)


@pytest.mark.parametrize("username", [*ROLE_OF, "admin"])
def test_each_demo_login_sees_only_what_its_role_can_use_and_never_a_500(
    page, live_url, settings, tmp_path, username
):
    settings.VAR_DIR = tmp_path
    logins = {login.username: login for login in demo_load()}
    login = logins[username]
    role = ROLE_OF.get(username)
    page.goto(f"{live_url}/login/")
    page.fill("#id_username", login.username)
    page.fill("#id_password", login.password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/")
    screenshot(page, f"roles-demo-{username}-home")

    nav = page.eval_on_selector_all("nav.fleet-nav a", "as => as.map(a => [a.dataset.nav, a.href])")
    assert [key for key, _href in nav] == _expected_nav(role), username

    pages: dict[str, int] = {f"{live_url}/": 200}  # the home page (the admin index) too
    for key, href in nav:
        pages[href] = _open(page, href)
        if key == "fleet":
            screenshot(page, f"roles-demo-{username}-fleet")
    numbers = list(Instance.objects.filter(partner__name=DEMO_PARTNER).order_by("pk"))
    assert len(numbers) >= 4
    can = CAPABILITIES[role] if role else frozenset(Capability)
    for number in numbers:
        page.goto(f"{live_url}/instances/instance/{number.pk}/overview/")
        tabs = page.locator(".instance-tabs a").all_inner_texts()
        assert tabs == [str(label) for _k, label, needs in TABS if any(c in can for c in needs)]
        for href in page.eval_on_selector_all(".instance-tabs a", "as => as.map(a => a.href)"):
            pages[href] = _open(page, href)
    assert {url: status for url, status in pages.items() if status != 200} == {}, username

    # One level further: every dashboard link shown on those pages is usable by the role.
    links: set[str] = set()
    for url in pages:
        page.goto(url)
        links |= _links(page, live_url)
    answers = {link: page.request.get(live_url + link, max_redirects=5) for link in sorted(links)}
    bad = {link: r.status for link, r in answers.items() if r.status >= 400}
    assert bad == {}, f"{username} sees links it cannot use: {bad}"
    assert len(answers) > 10  # the walk really followed links
