"""The instance services against the sandbox over real HTTP (no mock)."""

from __future__ import annotations

import pytest

from instances.models import POINTS_HERE, ConnectionState, HealthProbe
from instances.services import (
    instance_connection_apply,
    instance_details_refresh,
    instance_disconnect,
    instance_probe,
    instance_rename,
    instance_restart,
    instance_settings_update,
    instance_webhooks_point_here,
    pairing_phone_code,
    pairing_qr,
    zapi_queue_clear,
    zapi_queue_count,
    zapi_queue_delete,
    zapi_queue_page,
)
from instances.zapi import instance_client
from tests.instances.conftest import make_pair

pytestmark = pytest.mark.django_db(transaction=True)


def test_probe_of_a_connected_sandbox_instance(paired):
    ours, _box = paired
    outcome = instance_probe(instance=ours)
    assert outcome.ok, outcome.text
    ours.refresh_from_db()
    assert ours.connection_state == ConnectionState.CONNECTED
    assert ours.smartphone_connected is True
    assert ours.zapi_queue_size == 0
    assert HealthProbe.objects.filter(instance=ours, source="probe", connected=True).exists()


def test_probe_finds_a_phone_offline(paired, live_url):
    from sandbox.services import instance_phone_online

    ours, box = paired
    instance_phone_online(instance=box, online=False)
    instance_probe(instance=ours)
    ours.refresh_from_db()
    assert ours.connection_state == ConnectionState.CONNECTED
    assert ours.smartphone_connected is False


def test_details_rename_settings_and_webhooks(paired):
    ours, box = paired
    assert instance_details_refresh(instance=ours).ok
    assert ours.settings_snapshot["me"]["id"] == box.zapi_id
    assert "token" not in ours.settings_snapshot["me"]
    assert ours.settings_snapshot["device"]["phone"] == "5544999990000"
    assert instance_rename(instance=ours, name="Renamed").ok
    box.refresh_from_db()
    assert box.name == "Renamed"
    outcomes = instance_settings_update(
        instance=ours,
        auto_read_message=True,
        auto_read_status=False,
        call_reject_auto=True,
        call_reject_message="Call later",
    )
    assert all(o.ok for o in outcomes), [o.text for o in outcomes]
    outcome = instance_webhooks_point_here(instance=ours, notify_sent_by_me=True)
    assert outcome.ok, outcome.text
    me = ours.settings_snapshot["me"]  # read back from /me after the update
    # Our URL (secret included) is stored as the marker, never in clear (issue 11).
    assert me["receivedCallbackUrl"] == me["connectedCallbackUrl"] == POINTS_HERE
    assert me["receiveCallbackSentByMe"] is True
    assert me["callRejectMessage"] == "Call later"


def test_queue_of_a_disconnected_instance_count_page_delete(unpaired):
    ours, _box = unpaired
    client = instance_client(ours)
    ids = [
        client.send("send_text", phone="5511988887777", message=f"hello {n}").zaapId
        for n in range(7)
    ]
    assert zapi_queue_count(instance=ours).value == 7
    page = zapi_queue_page(instance=ours, page=2, page_size=3)
    assert [m.ZaapId for m in page.value.messages] == ids[3:6]
    # Cursor paging (POST /queue) is tested at the transport (test_queue_views): the sandbox
    # registers its handler as "queue_cursor" while ENDPOINTS names the row "queue_page".
    assert zapi_queue_delete(instance=ours, zaap_id=ids[0]).ok
    ours.refresh_from_db()
    assert ours.zapi_queue_size == 6
    assert zapi_queue_clear(instance=ours).ok
    assert zapi_queue_count(instance=ours).value == 0


def test_pairing_qr_and_phone_code(unpaired):
    ours, _box = unpaired
    qr = pairing_qr(instance=ours)
    assert qr.ok and "<svg" in qr.value.svg
    code = pairing_phone_code(instance=ours, phone="5544999990000")
    assert code.ok and code.value.code


def test_qr_of_an_instance_connected_at_zapi_says_so(paired):
    ours, _box = paired  # our row still says never paired
    qr = pairing_qr(instance=ours)
    assert qr.ok and qr.value.already_connected


def test_restart_and_disconnect(paired):
    ours, box = paired
    instance_connection_apply(
        instance_id=ours.pk, connected=True, at=box.connected_at, source="webhook"
    )
    assert instance_restart(instance=ours).ok
    outcome = instance_disconnect(instance=ours)
    assert outcome.ok, outcome.text
    box.refresh_from_db()
    ours.refresh_from_db()
    assert box.state == "disconnected"
    assert ours.connection_state == ConnectionState.DISCONNECTED


def test_wrong_token_is_an_auth_error_in_plain_words(live_url, partner):
    from instances.services import instance_add

    ours = instance_add(partner=partner, zapi_id="NOPE", token="WRONGTOKEN123456789")
    outcome = instance_restart(instance=ours)
    assert not outcome.ok
    assert "WRONGTOKEN" not in outcome.text
    assert "HTTP" in outcome.text
    _ = make_pair  # shared helper


def test_refresh_learns_the_connection_from_me(paired):
    ours, _box = paired  # our row says never paired; Z-API says connected
    assert instance_details_refresh(instance=ours).ok
    assert ours.connection_state == ConnectionState.CONNECTED
