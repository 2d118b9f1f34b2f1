"""/api/instances/: the fleet, and what the instance pages do, against the sandbox over HTTP."""

from __future__ import annotations

import base64

import pytest

from instances.models import ConnectionState
from tests.factories import InstanceFactory
from tests.instances.conftest import make_pair

pytestmark = pytest.mark.django_db(transaction=True)


def test_list_filters_and_ordering(api, partner):
    InstanceFactory(partner=partner, name="B connected", connection_state="connected")
    InstanceFactory(partner=partner, name="A never", connection_state="never_paired")
    InstanceFactory(partner=partner, name="C gone", connection_state="disconnected")
    names = [r["name"] for r in api.get("/api/instances/").json()["results"]]
    assert names == ["A never", "B connected", "C gone"]
    rows = api.get("/api/instances/?state=connected").json()["results"]
    assert [r["name"] for r in rows] == ["B connected"]
    assert rows[0]["state"] == "connected" and rows[0]["pending_messages"] == 0
    rows = api.get("/api/instances/?search=gone").json()["results"]
    assert [r["name"] for r in rows] == ["C gone"]
    rows = api.get("/api/instances/?ordering=-name").json()["results"]
    assert rows[0]["name"] == "C gone"
    bad = api.get("/api/instances/?state=sideways")
    assert bad.status_code == 400
    assert bad.json()["type"] == "validation_error"
    assert bad.json()["errors"][0]["attr"] == "state"


def test_cursor_pagination_walks_every_row_once(api, partner):
    for n in range(7):
        InstanceFactory(partner=partner, name=f"N{n}")
    seen, url = [], "/api/instances/?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [r["name"] for r in body["results"]]
        url = body["next"]
    assert seen == [f"N{n}" for n in range(7)]


def test_secrets_are_never_serialised(api, instance):
    body = api.get(f"/api/instances/{instance.pk}/").content.decode()
    assert str(instance.token) not in body
    assert "token" not in api.get(f"/api/instances/{instance.pk}/").json()


def test_state_restart_disconnect_against_the_sandbox(api, live_url, partner):
    ours, _box = make_pair(partner, connected=True)
    state = api.get(f"/api/instances/{ours.pk}/state/")
    assert state.status_code == 200, state.content
    assert state.json()["connected"] is True
    assert state.json()["instance"]["connection_state"] == ConnectionState.CONNECTED

    restart = api.post(f"/api/instances/{ours.pk}/restart/")
    assert restart.status_code == 200, restart.content
    assert restart.json()["action"] == "Restart"

    gone = api.post(f"/api/instances/{ours.pk}/disconnect/")
    assert gone.status_code == 200, gone.content
    ours.refresh_from_db()
    assert ours.connection_state == ConnectionState.DISCONNECTED


def test_qr_code_png_and_base64_for_an_unpaired_number(api, live_url, partner):
    ours, _box = make_pair(partner, connected=False)
    png = api.get(f"/api/instances/{ours.pk}/qr-code/")
    assert png.status_code == 200, png.content
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    data = api.get(f"/api/instances/{ours.pk}/qr-code/base64/").json()["image"]
    assert data.startswith("data:image/png;base64,")
    assert base64.b64decode(data.split(",", 1)[1]).startswith(b"\x89PNG")


def test_qr_code_of_a_connected_number_is_a_409(api, live_url, partner):
    ours, _box = make_pair(partner, connected=True)
    response = api.get(f"/api/instances/{ours.pk}/qr-code/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "conflict"


def test_phone_code_and_its_validation(api, live_url, partner):
    ours, _box = make_pair(partner, connected=False)
    response = api.post(f"/api/instances/{ours.pk}/phone-code/", {"phone": "5544999990000"})
    assert response.status_code == 200, response.content
    assert response.json()["code"]
    short = api.post(f"/api/instances/{ours.pk}/phone-code/", {"phone": "123"})
    assert short.status_code == 400
    assert short.json()["errors"][0]["attr"] == "phone"


def test_webhooks_point_here_and_settings(api, live_url, partner):
    ours, box = make_pair(partner, connected=True)
    response = api.post(f"/api/instances/{ours.pk}/webhooks/", {"notify_sent_by_me": True})
    assert response.status_code == 200, response.content
    box.refresh_from_db()
    assert ours.webhook_url in str(box.webhooks)

    changed = api.put(
        f"/api/instances/{ours.pk}/settings/",
        {"auto_read_message": True, "auto_read_status": False, "call_reject_auto": True,
         "call_reject_message": "Busy"},
        format="json",
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["call_reject_message"] == "Busy"
    assert api.get(f"/api/instances/{ours.pk}/settings/").json()["auto_read_message"] is True


def test_zapi_down_is_a_502_in_words(api, partner, settings):
    settings.ZAPI_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    ours = InstanceFactory(partner=partner)
    response = api.post(f"/api/instances/{ours.pk}/restart/")
    assert response.status_code == 502
    error = response.json()["errors"][0]
    assert error["code"] == "zapi_unavailable"
    assert str(ours.token) not in error["detail"]
