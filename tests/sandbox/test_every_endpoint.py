"""Each endpoint of ``zapi.endpoints.ENDPOINTS`` answers its documented status and shape
(the 200 examples of spec 001 and 003), called with a minimal valid request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox.models import SandboxCollection, SandboxInstance, SandboxProduct, SandboxTag
from sandbox.routing import served_endpoints
from sandbox.services import chat_touch, sandbox_instance_create
from tests.sandbox.conftest import FAST

pytestmark = pytest.mark.django_db
CONTACT = "5511988887777"
VALUE, SUCCESS = ("value",), ("success",)
ACK = ("zaapId", "messageId")


@dataclass
class Case:
    expect: tuple[str, ...] | str  # keys of the answer, or "list", or "OK" (201 text)
    body: Any = None  # or a function of the instance
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    before: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _send(**body: Any) -> Case:
    return Case(ACK, {"phone": CONTACT, **body})


def _mobile_code(instance: SandboxInstance) -> dict[str, Any]:
    instance.refresh_from_db()
    return {"code": instance.data["mobile"]["code"]}


_CHECK = ("mobile_registration_available", {"ddi": "55", "phone": "4499990001"})
_REQUEST = (
    "mobile_request_registration_code",
    {"ddi": "55", "phone": "4499990001", "method": "sms"},
)
_PIN_CHECK = ("mobile_registration_available", {"ddi": "55", "phone": "4499992222"})
_PIN_REQUEST = (
    "mobile_request_registration_code",
    {"ddi": "55", "phone": "4499992222", "method": "sms"},
)

CASES: dict[str, Case] = {
    # instance ("Instance")
    "update_auto_read_message": Case(VALUE, {"value": True}),
    "update_auto_read_status": Case(VALUE, {"value": True}),
    "update_profile_picture": Case(VALUE, {"value": "https://example.com/p.jpg"}),
    "update_profile_name": Case(VALUE, {"value": "Shop"}),
    "update_profile_description": Case(VALUE, {"value": "Open 9-18"}),
    "update_call_reject_auto": Case(VALUE, {"value": True}),
    "update_call_reject_message": Case(VALUE, {"value": "Busy"}),
    "qr_code": Case(("connected", "error")),
    "qr_code_image": Case(("connected", "error")),
    "phone_code": Case(("connected", "error"), path={"phone": CONTACT}),
    "restart": Case(VALUE),
    "disconnect": Case(VALUE),
    "status": Case(("connected", "error", "smartphoneConnected")),
    "device": Case(
        ("phone", "imgUrl", "name", "device", "originalDevice", "sessionId", "isBusiness")
    ),
    "update_name": Case(VALUE, {"value": "Renamed"}),
    "me": Case(
        (
            "id",
            "token",
            "name",
            "due",
            "connected",
            "paymentStatus",
            "created",
            "receivedCallbackUrl",
            "receiveCallbackSentByMe",
            "callRejectAuto",
            "autoReadMessage",
        )
    ),
    # mobile ("Mobile")
    "mobile_registration_available": Case(
        ("available", "smsWaitSeconds", "voiceWaitSeconds", "waOldWaitSeconds", "waOldEligible"),
        _CHECK[1],
    ),
    "mobile_request_registration_code": Case(
        ("success", "retryAfter", "smsWaitSeconds", "method"), _REQUEST[1], before=[_CHECK]
    ),
    "mobile_respond_captcha": Case(
        SUCCESS,
        lambda i: {"captcha": i.data["mobile"]["captcha"]},
        before=[
            ("mobile_registration_available", {"ddi": "55", "phone": "4499991111"}),
            (
                "mobile_request_registration_code",
                {"ddi": "55", "phone": "4499991111", "method": "sms"},
            ),
        ],
    ),
    "mobile_confirm_registration_code": Case(SUCCESS, _mobile_code, before=[_CHECK, _REQUEST]),
    "mobile_request_unbanning": Case(
        ("success", "status"),
        {"appealToken": "see before", "description": "please"},
        before=[("mobile_registration_available", {"ddi": "55", "phone": "4499990000"})],
    ),
    "mobile_confirm_pin_code": Case(
        SUCCESS,
        {"code": "123456"},
        before=[_PIN_CHECK, _PIN_REQUEST, ("mobile_confirm_registration_code", {})],
    ),
    "mobile_recovery_pin_code": Case(SUCCESS, {}),
    # account security ("Mobile")
    "security_email": Case(("success", "hasEmail")),
    "security_email_register": Case(SUCCESS, {"email": "a@example.com"}),
    "security_verify_email": Case(SUCCESS, {"code": "123456"}),
    "security_two_fa_code": Case(("success", "hasCode")),
    "security_two_fa_code_register": Case(SUCCESS, {"code": "123456"}),
    "security_email_remove": Case(SUCCESS, {}),
    "security_two_fa_code_remove": Case(SUCCESS, {}),
    # messages ("Messages")
    "send_text": _send(message="hi"),
    "forward_message": _send(messageId="3EB0AA", messagePhone=CONTACT),
    "send_reaction": _send(messageId="3EB0AA", reaction="👍"),
    "send_remove_reaction": _send(messageId="3EB0AA"),
    "send_image": _send(image="https://example.com/i.jpg"),
    "send_sticker": _send(sticker="https://example.com/s.webp"),
    "send_gif": _send(gif="https://example.com/g.mp4"),
    "send_audio": _send(audio="https://example.com/a.ogg"),
    "send_video": _send(video="https://example.com/v.mp4"),
    "send_ptv": _send(ptv="https://example.com/v.mp4"),
    "send_document": Case(
        ACK, {"phone": CONTACT, "document": "https://example.com/d.pdf"}, {"extension": "pdf"}
    ),
    "send_link": _send(message="see", linkUrl="https://example.com", title="t", image="x"),
    "send_location": _send(title="t", address="a", latitude="-23.5", longitude="-46.6"),
    "send_product": _send(catalogPhone=CONTACT, productId="P1"),
    "send_catalog": _send(catalogPhone=CONTACT),
    "send_contact": _send(contactName="Ana", contactPhone="5511977776666"),
    "send_contacts": _send(contacts=[{"name": "Ana", "phones": ["5511977776666"]}]),
    "send_button_actions": _send(message="m", buttonActions=[{"type": "URL", "label": "x"}]),
    "send_button_list": _send(message="m", buttonList={"buttons": [{"label": "Yes"}]}),
    "send_option_list": _send(message="m", optionList={"title": "t", "options": []}),
    "send_button_otp": _send(message="m", code="123456"),
    "send_button_pix": _send(pixKey="a@example.com", type="EMAIL"),
    "send_carousel": _send(message="m", carousel=[{"text": "c"}]),
    "delete_message": Case(ACK, query={"messageId": "3EB0AA", "phone": CONTACT, "owner": "true"}),
    "read_message": Case(ACK, {"phone": CONTACT, "messageId": "3EB0AA"}),
    "send_poll": _send(message="Lunch?", poll=[{"name": "Yes"}, {"name": "No"}]),
    "send_poll_vote": _send(pollMessageId="3EB0AA", pollVote=[{"name": "Yes"}]),
    "send_order": _send(order={"currency": "BRL", "products": []}),
    "order_status_update": _send(messageId="3EB0AA", orderStatus="shipped"),
    "order_payment_update": _send(messageId="3EB0AA", paymentStatus="paid"),
    "pin_message": _send(messageId="3EB0AA", messageAction="pin"),
    "send_newsletter_admin_invite": _send(adminJid="x@newsletter", caption="join"),
    "send_event": _send(event={"name": "Party", "dateTime": "2030-01-01T20:00:00Z"}),
    "send_edit_event": _send(eventMessageId="3EB0AA", event={"name": "Party 2"}),
    "send_event_response": _send(eventMessageId="3EB0AA", eventResponse="GOING"),
    # privacy ("Privacy")
    "privacy_disallowed_contacts": Case(("disallowedContacts",), query={"type": "lastSeen"}),
    "privacy_last_seen": Case(SUCCESS, {"visualizationType": "ALL"}),
    "privacy_photo": Case(SUCCESS, {"visualizationType": "ALL"}),
    "privacy_description": Case(SUCCESS, {"visualizationType": "ALL"}),
    "privacy_group_add": Case(SUCCESS, {"type": "ALL"}),
    "privacy_online": Case(SUCCESS, {"visualizationType": "ALL"}),
    "privacy_read_receipts": Case(SUCCESS, {}, query={"value": "enable"}),
    "privacy_messages_duration": Case(SUCCESS, {}, query={"value": "days7"}),
    # contacts ("Contacts")
    "contacts": Case("list", query={"page": "1", "pageSize": "10"}),
    "contacts_add": Case(("success", "errors"), [{"firstName": "Ana", "phone": "5511977776666"}]),
    "contacts_remove": Case(("success", "errors"), ["5511977776666"]),
    "contact_metadata": Case(("phone", "name", "short", "notify"), path={"phone": CONTACT}),
    "contact_profile_picture": Case("list", query={"phone": CONTACT}),
    "phone_exists": Case("list", path={"phone": CONTACT}),
    "phone_exists_batch": Case("list", {"phones": [CONTACT, "551188887777"]}),
    "contact_block": Case(VALUE, {"phone": CONTACT, "action": "block"}),
    "contact_report": Case(SUCCESS, {}, path={"phone": CONTACT}),
    # chats and calls ("Chats")
    "chats": Case("list", query={"page": "1", "pageSize": "10"}),
    "chat_metadata": Case(
        ("phone", "unread", "lastMessageTime", "isMuted"), path={"phone": CONTACT}
    ),
    "modify_chat": Case(VALUE, {"phone": CONTACT, "action": "archive"}),
    "send_chat_expiration": Case(VALUE, {"phone": CONTACT, "chatExpiration": "days7"}),
    "send_call": Case(ACK, {"phone": CONTACT, "callDuration": 5}),
    # groups and communities ("Groups", "Communities")
    "groups": Case("list", query={"page": "1", "pageSize": "10"}),
    "create_group": Case(("phone", "invitationLink"), {"groupName": "G", "phones": [CONTACT]}),
    "update_group_name": Case(VALUE, {"groupId": "1-1", "groupName": "G2"}),
    "update_group_photo": Case(VALUE, {"groupId": "1-1", "groupPhoto": "https://x/p.jpg"}),
    "add_participant": Case(VALUE, {"groupId": "1-1", "phones": [CONTACT]}),
    "remove_participant": Case(VALUE, {"groupId": "1-1", "phones": [CONTACT]}),
    "approve_participant": Case(VALUE, {"groupId": "1-1", "phones": [CONTACT]}),
    "reject_participant": Case(VALUE, {"groupId": "1-1", "phones": [CONTACT]}),
    "add_admin": Case(VALUE, {"groupId": "1-1", "phones": [CONTACT]}),
    "remove_admin": Case(VALUE, {"groupId": "1-1", "phones": [CONTACT]}),
    "leave_group": Case(VALUE, {"groupId": "1-1"}),
    "group_metadata": Case(
        ("phone", "owner", "subject", "creation", "participants"), path={"phone": "1-1"}
    ),
    "light_group_metadata": Case(("phone", "owner", "subject"), path={"phone": "1-1"}),
    "group_invitation_metadata": Case(
        ("phone", "subject"), query={"url": "https://chat.whatsapp.com/x"}
    ),
    "update_group_settings": Case(VALUE, {"phone": "1-1", "adminOnlyMessage": True}),
    "update_group_description": Case(VALUE, {"groupId": "1-1", "groupDescription": "d"}),
    "redefine_invitation_link": Case(("invitationLink",), {}, path={"groupId": "1-1"}),
    "group_invitation_link": Case(("phone", "invitationLink"), {}, path={"groupId": "1-1"}),
    "accept_invite_group": Case(SUCCESS, query={"url": "https://chat.whatsapp.com/x"}),
    "create_community": Case(("id", "subGroups"), {"name": "C"}),
    "communities": Case("list"),
    "community_link": Case(SUCCESS, {"communityId": "1", "groupsPhones": ["1-1"]}),
    "community_unlink": Case(SUCCESS, {"communityId": "1", "groupsPhones": ["1-1"]}),
    "community_metadata": Case(
        ("name", "id", "description", "subGroups"), path={"communityId": "1"}
    ),
    "community_settings": Case(SUCCESS, {"communityId": "1", "whoCanAddNewGroups": "admins"}),
    "community_deactivate": Case(SUCCESS, path={"communityId": "1"}),
    "update_community_description": Case(VALUE, {"communityId": "1", "description": "d"}),
    # queue ("Queue")
    "queue": Case(("messages",), query={"page": "1", "pageSize": "10"}),
    "queue_count": Case(("count",)),
    "queue_page": Case(("messages", "pagingState"), {"pageSize": 10}),
    "queue_delete_all": Case(VALUE),
    "queue_delete": Case(VALUE, path={"zaapId": "QUEUED"}),
    # business ("WhatsApp Business")
    "product_upsert": Case(("id",), {"name": "Mouse", "price": 100, "currency": "BRL"}),
    "catalogs": Case(("cartEnabled", "products")),
    "catalog_by_phone": Case(("cartEnabled", "products", "nextCursor"), path={"phone": CONTACT}),
    "product": Case(("cartEnabled", "id", "name", "price"), path={"productId": "P1"}),
    "product_delete": Case(SUCCESS, path={"productId": "P1"}),
    "tags": Case("list"),
    "tag_colors": Case(("0", "1", "2")),
    "tag_create": Case(("id",), {"name": "VIP", "color": 2}),
    "tag_edit": Case(SUCCESS, {"name": "VIP 2"}, path={"tagId": "TAG"}),
    "tag_delete": Case(SUCCESS, path={"tagId": "TAG"}),
    "chat_tag_add": Case(VALUE, path={"phone": CONTACT, "tag": "TAG"}),
    "chat_tag_remove": Case(VALUE, path={"phone": CONTACT, "tag": "TAG"}),
    "catalog_config": Case(SUCCESS, {"cartEnabled": False}),
    "collection_create": Case(("collectionId",), {"name": "Summer", "productIds": ["P1"]}),
    "collections": Case(("collections", "nextCursor")),
    "collection_delete": Case(SUCCESS, path={"collectionId": "C1"}),
    "collection_edit": Case(
        ("success", "collectionId"), {"name": "Winter"}, path={"collectionId": "C1"}
    ),
    "collection_products": Case(
        ("nextCursor", "products"), path={"phone": CONTACT}, query={"collectionId": "C1"}
    ),
    "collection_add_product": Case(
        ("success", "collectionId"), {"collectionId": "C1", "productIds": ["P1"]}
    ),
    "collection_remove_product": Case(
        ("success", "collectionId"), {"collectionId": "C1", "productIds": ["P1"]}
    ),
    "company_description": Case(SUCCESS, {"value": "We sell mice"}),
    "company_email": Case(SUCCESS, {"value": "shop@example.com"}),
    "company_address": Case(SUCCESS, {"value": "Rua A, 1"}),
    "company_websites": Case(SUCCESS, {"websites": ["https://example.com"]}),
    "business_hours": Case(
        SUCCESS, {"timezone": "America/Sao_Paulo", "days": [], "mode": "open24h"}
    ),
    "business_available_categories": Case("list", query={"query": "shop"}),
    "business_categories": Case(SUCCESS, {"categories": ["shopping"]}),
    # webhooks ("Webhooks")
    "update_webhook_delivery": Case(VALUE, {"value": "https://hooks.example.com/d"}),
    "update_webhook_received": Case(VALUE, {"value": "https://hooks.example.com/r"}),
    "update_webhook_received_delivery": Case(VALUE, {"value": "https://hooks.example.com/rd"}),
    "update_webhook_disconnected": Case(VALUE, {"value": "https://hooks.example.com/x"}),
    "update_webhook_message_status": Case(VALUE, {"value": "https://hooks.example.com/s"}),
    "update_webhook_chat_presence": Case(VALUE, {"value": "https://hooks.example.com/p"}),
    "update_webhook_connected": Case(VALUE, {"value": "https://hooks.example.com/c"}),
    "update_every_webhooks": Case(
        VALUE, {"value": "https://hooks.example.com/all", "notifySentByMe": True}
    ),
    "update_notify_sent_by_me": Case(VALUE, {"notifySentByMe": True}),
    # status / stories ("Status")
    "send_text_status": Case(ACK, {"message": "Open today"}),
    "send_image_status": Case(ACK, {"image": "https://example.com/i.jpg"}),
    "send_video_status": Case(ACK, {"video": "https://example.com/v.mp4"}),
    "reply_status_text": _send(message="nice", statusMessageId="3EB0AA"),
    "reply_status_gif": _send(gif="https://example.com/g.mp4", statusMessageId="3EB0AA"),
    "reply_status_sticker": _send(sticker="https://example.com/s.webp", statusMessageId="3EB0AA"),
    # partner ("Partners") and number registration (spec 003)
    "partner_create_instance": Case(("id", "token", "due"), {"name": "Shop"}),
    "partner_subscribe": Case("OK"),
    "partner_cancel": Case("OK"),
    "partner_list_instances": Case(
        ("total", "totalPage", "pageSize", "page", "content"), query={"page": "1", "pageSize": "5"}
    ),
    "number_register": Case(
        ("status", "whatsapp", "reason"),
        {"whatsapp": "972501234567", "method": 1, "language": "en"},
    ),
    "number_verify": Case(
        ("status", "whatsapp", "expiration", "reason"),
        lambda i: {"whatsapp": "972501234567", "code": i.account.numbers.get().code},
        before=[("number_register", {"whatsapp": "972501234567", "method": 1, "language": "en"})],
    ),
}

ENDPOINTS_BY_NAME = {e.name: e for e in served_endpoints()}


def test_every_served_endpoint_has_a_case():
    assert set(CASES) == set(ENDPOINTS_BY_NAME)


@pytest.fixture
def world(partner_account) -> SandboxInstance:
    instance = sandbox_instance_create(
        name="World", account=partner_account, connected=True, phone=CONTACT, timings=FAST
    )
    chat_touch(instance=instance, phone=CONTACT, name="Ana Souza")
    SandboxProduct.objects.create(
        instance=instance, product_id="P1", data={"name": "Mouse", "price": 1}
    )
    SandboxCollection.objects.create(instance=instance, collection_id="C1", name="Sale")
    instance.tag_id = str(SandboxTag.objects.create(instance=instance, name="New").pk)
    return instance


def _request(http, instance, name: str, body: Any, path: dict[str, str], query: dict[str, str]):
    endpoint = ENDPOINTS_BY_NAME[name]
    fill = {k: (instance.tag_id if v == "TAG" else v) for k, v in path.items()}
    if endpoint.scope == "instance":
        url = (
            f"/sandbox/instances/{instance.zapi_id}/token/{instance.token}"
            + endpoint.format_path(**fill)
        )
        headers = {}
    else:
        fill.update(instanceId=instance.zapi_id, token=instance.token)
        url = "/sandbox" + endpoint.route.format(**fill)
        headers = {"Authorization": "Bearer INTEGRATOR-1"}
    if callable(body):
        body = body(instance)
    if name == "mobile_request_unbanning":
        from sandbox.handlers.mobile import appeal_token

        body = {**body, "appealToken": appeal_token("554499990000")}
    kwargs: dict[str, Any] = {"params": query, "headers": headers}
    if endpoint.method in ("POST", "PUT") or body is not None:
        kwargs["json"] = body if body is not None else {}
    return http.request(endpoint.method, url, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_endpoint_answers_its_documented_shape(name, world, wsgi_http):
    case = CASES[name]
    if name.startswith("mobile_"):
        world.state = SandboxInstance.State.WAITING_QR
        world.save()
    if name == "queue_delete":
        from sandbox.sending import message_enqueue

        world.smartphone_connected = False
        world.save()
        case.path["zaapId"] = message_enqueue(
            instance=world, endpoint="send_text", body={"phone": CONTACT, "message": "x"}
        ).zaap_id
    for before, body in case.before:
        if before == "mobile_confirm_registration_code":
            body = _mobile_code(world)
        assert _request(wsgi_http, world, before, body, {}, {}).status_code == 200
    world.refresh_from_db()
    world.tag_id = str(world.tags.first().pk)
    response = _request(wsgi_http, world, name, case.body, case.path, case.query)
    if case.expect == "OK":
        assert (response.status_code, response.text) == (201, "OK")
        return
    assert response.status_code == 200, response.text
    data = response.json()
    if case.expect == "list":
        assert isinstance(data, list)
    else:
        assert isinstance(data, dict) and set(case.expect) <= set(data), data


def test_every_instance_endpoint_answers_not_connected_or_works_while_away(world, wsgi_http):
    """Sections that need the phone answer "You are not connected." while it is away."""
    world.state = SandboxInstance.State.DISCONNECTED
    world.save()
    response = _request(wsgi_http, world, "chats", None, {}, {})
    assert (response.status_code, response.json()["error"]) == (400, "You are not connected.")
    assert (
        _request(
            wsgi_http, world, "send_text", {"phone": CONTACT, "message": "x"}, {}, {}
        ).status_code
        == 200
    )
