"""Every JSON webhook example in the spec parses into its model (fixtures copied from
spec 001; the two that are not valid JSON there are noted in FIXED below)."""

import json
from pathlib import Path

import pytest

from zapi.events import (
    EVENT_TYPES,
    ConnectedCallback,
    DeliveryCallback,
    DisconnectedCallback,
    InvalidEventError,
    MessageStatusCallback,
    PresenceChatCallback,
    ReceivedCallback,
    UnknownEvent,
    parse_event,
)

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
FILES = sorted(FIXTURES.glob("*.json"))
# Not valid JSON in the spec: "Webhooks > Upon receiving" uses Mongo's
# NumberLong(...)/NumberInt(...); "Webhooks > When connecting" has single quotes, an unquoted
# instance.id and ", ,". Fixed minimally.
FIXED = {"l11689_received_example_of_text_return_from_ad.json", "l13387_connected_example.json"}
MODEL_BY_PREFIX = {
    "delivery": DeliveryCallback,
    "received": ReceivedCallback,
    "messagestatus": MessageStatusCallback,
    "disconnected": DisconnectedCallback,
    "connected": ConnectedCallback,
    "presencechat": PresenceChatCallback,
}


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_fixtures_cover_every_event_type():
    prefixes = {f.name.split("_")[1] for f in FILES}
    assert prefixes == set(MODEL_BY_PREFIX)
    assert len(FILES) == 66
    assert {f.name for f in FILES} >= FIXED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_spec_webhook_example_parses_into_its_model(path):
    data = json.loads(path.read_text())
    event = parse_event(data)
    assert type(event) is MODEL_BY_PREFIX[path.name.split("_")[1]]
    # Nothing is lost: every key of the example is a field or a kept extra.
    dumped = event.model_dump(exclude_unset=True)
    assert set(dumped) == set(data)
    if isinstance(event, ReceivedCallback):
        assert event.kind != "unknown" or data.get("waitingMessage") or "notification" in data


def test_text_message_keeps_spec_spellings():
    event = parse_event(load("l11276_received_text_return_example.json"))
    assert isinstance(event, ReceivedCallback)
    assert event.momment == 1632228638000
    assert event.senderLid == "81896604192873@lid"
    assert event.fromMe is False
    assert event.kind == "text" and event.text is not None
    assert event.text.message == "test"
    # The example misspells "description" (spec 001, "Webhooks > Upon receiving"); the
    # misspelling is kept as is.
    assert event.text.model_extra is not None and "descritpion" in event.text.model_extra


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("l11340_received_react_return_example.json", "reaction"),
        ("l11375_received_example_of_returning_text_button_list.json", "buttonsResponseMessage"),
        ("l11570_received_example_of_returning_text_option_list.json", "listResponseMessage"),
        ("l11733_received_image_return_example.json", "image"),
        ("l11810_received_audio_feedback_example.json", "audio"),
        ("l11841_received_video_return_example.json", "video"),
        ("l11945_received_contact_return_example.json", "contact"),
        ("l11974_received_document_return_example.json", "document"),
        ("l12047_received_location_return_example.json", "location"),
        ("l12118_received_example_of_sticker_return.json", "sticker"),
        ("l12554_received_poll_return_example.json", "poll"),
        ("l12590_received_poll_response_return_example.json", "pollVote"),
        ("l12509_received_cart_return_example.json", "order"),
        ("l12473_received_product_return_example.json", "product"),
        ("l12790_received_event_callback_example.json", "event"),
        (
            "l12726_received_example_of_a_channel_admin_invitation_callback.json",
            "newsletterAdminInvite",
        ),
        ("l12269_received_incoming_callback_example.json", "notification"),
        ("l12325_received_example_of_requesting_to_join_a_group_via_an_invit.json", "notification"),
    ],
)
def test_received_kind_names_the_content(name, kind):
    event = parse_event(load(name))
    assert isinstance(event, ReceivedCallback)
    assert event.kind == kind


def test_call_and_group_notifications():
    call = parse_event(load("l12297_received_missed_callback_example.json"))
    assert isinstance(call, ReceivedCallback) and call.is_call
    assert call.notification == "CALL_MISSED_VOICE" and call.callId
    group = parse_event(
        load("l12325_received_example_of_requesting_to_join_a_group_via_an_invit.json")
    )
    assert isinstance(group, ReceivedCallback)
    assert group.isGroup and group.notificationParameters == ["5544999999999"]
    assert group.requestMethod == "invite_link"


def test_newsletter_notification():
    event = parse_event(load("l12415_received_example_of_admin_promoted_to_a_channel.json"))
    assert isinstance(event, ReceivedCallback)
    assert event.notification == "NEWSLETTER_ADMIN_PROMOTE"


def test_revoke_edit_status_reply_and_from_me_flags():
    base = load("l11276_received_text_return_example.json")
    revoke = parse_event({**base, "notification": "REVOKE"})
    assert isinstance(revoke, ReceivedCallback) and revoke.is_revoke
    edit = parse_event({**base, "isEdit": True})
    assert isinstance(edit, ReceivedCallback) and edit.isEdit
    reply = parse_event({**base, "isStatusReply": True, "fromMe": True})
    assert isinstance(reply, ReceivedCallback) and reply.isStatusReply and reply.fromMe


def test_several_contacts_parse():
    base = load("l11276_received_text_return_example.json")
    del base["text"]
    event = parse_event({**base, "contacts": [{"displayName": "A", "vCard": "BEGIN:VCARD"}]})
    assert isinstance(event, ReceivedCallback) and event.kind == "contacts"


@pytest.mark.parametrize("status", ["SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED"])
def test_message_status_examples(status):
    line = {"SENT": 13106, "RECEIVED": 13116, "READ": 13126, "READ_BY_ME": 13136, "PLAYED": 13146}
    name = f"l{line[status]}_messagestatus_{status.lower()}.json"
    event = parse_event(load(name))
    assert isinstance(event, MessageStatusCallback)
    assert event.status == status and event.ids == ["999999999999999999999"]


def test_delivery_disconnected_connected_and_presence():
    delivery = parse_event(load("l11173_delivery_example.json"))
    assert (
        isinstance(delivery, DeliveryCallback)
        and delivery.zaapId == "A20DA9C0183A2D35A260F53F5D2B9244"
    )
    gone = parse_event(load("l13053_disconnected_example.json"))
    assert (
        isinstance(gone, DisconnectedCallback) and gone.disconnected and gone.momment == 1580163342
    )
    back = parse_event(load("l13387_connected_example.json"))
    assert isinstance(back, ConnectedCallback) and back.connected and back.phone == "number"
    typing = parse_event(load("l13312_presencechat_typing_in_chat.json"))
    assert isinstance(typing, PresenceChatCallback) and typing.status == "COMPOSING"


def test_numeric_string_momment_becomes_an_integer():
    event = parse_event({"type": "ConnectedCallback", "momment": "26151515154"})
    assert isinstance(event, ConnectedCallback) and event.momment == 26151515154


def test_unknown_fields_are_kept():
    event = parse_event({"type": "DeliveryCallback", "zaapId": "Z", "brandNew": {"x": 1}})
    assert event.model_extra == {"brandNew": {"x": 1}}


def test_type_matching_ignores_case():
    assert isinstance(parse_event({"type": "ReceivedCallBack", "phone": "55"}), ReceivedCallback)


@pytest.mark.parametrize(
    "data",
    [{"type": "SomethingNewCallback", "x": 1}, {"no": "type"}, {"type": 5}, {}],
)
def test_unknown_type_gives_an_unknown_event_not_an_exception(data):
    event = parse_event(data)
    assert isinstance(event, UnknownEvent)
    assert event.model_dump(exclude_unset=True) == data


@pytest.mark.parametrize("data", [[1, 2], "text", None, 3, b"{}"])
def test_payload_that_is_not_an_object_is_a_clear_error(data):
    with pytest.raises(InvalidEventError, match="JSON object"):
        parse_event(data)


def test_known_type_with_wrong_shapes_is_an_invalid_event_error():
    with pytest.raises(InvalidEventError, match="MessageStatusCallback"):
        parse_event({"type": "MessageStatusCallback", "ids": "not-a-list"})


def test_event_types_registry_names():
    assert set(EVENT_TYPES) == {
        "deliverycallback",
        "receivedcallback",
        "messagestatuscallback",
        "disconnectedcallback",
        "connectedcallback",
        "presencechatcallback",
    }
