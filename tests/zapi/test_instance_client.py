"""Requests built by the instance client match the spec's examples (method, URL, headers,
body); responses parse into the typed models."""

import json

import httpx
import pytest

from tests.zapi.conftest import CLIENT_TOKEN, PREFIX
from zapi import InstanceClient
from zapi.models import QueueMessage


def test_status_sends_get_with_client_token_and_parses(instance, fake_zapi):
    fake_zapi.reply(
        httpx.Response(
            200,
            json={
                "connected": False,
                "error": "You are not connected.",
                "smartphoneConnected": False,
            },
        )
    )
    status = instance.status()
    req = fake_zapi.last
    assert (req.method, str(req.url)) == ("GET", f"{PREFIX}/status")
    assert req.headers["Client-Token"] == CLIENT_TOKEN
    assert "content-type" not in req.headers
    assert status.connected is False and status.error == "You are not connected."


def test_client_token_header_is_absent_when_not_configured(http, fake_zapi):
    client = InstanceClient("https://api.z-api.io", "I", "T", http=http)
    fake_zapi.reply(httpx.Response(200, json={"connected": True}))
    client.status()
    assert "client-token" not in fake_zapi.last.headers


def test_base_url_with_a_path_prefix_is_kept(http, fake_zapi):
    client = InstanceClient("http://localhost:8000/sandbox/", "I", "T", http=http)
    fake_zapi.reply(httpx.Response(200, json={}))
    client.device()
    assert str(fake_zapi.last.url) == "http://localhost:8000/sandbox/instances/I/token/T/device"


def test_send_text_matches_spec_example(instance, fake_zapi):
    # spec 001, "Messages > Send plain text"
    result = instance.send("send_text", phone="5511999998888", message="Welcome to *Z-API*")
    req = fake_zapi.last
    assert (req.method, str(req.url)) == ("POST", f"{PREFIX}/send-text")
    assert req.headers["content-type"] == "application/json"
    assert fake_zapi.last_json() == {"phone": "5511999998888", "message": "Welcome to *Z-API*"}
    assert (result.zaapId, result.messageId, result.id) == ("Z1", "M1", "M1")


def test_send_text_passes_spec_options_through(instance, fake_zapi):
    instance.send(
        "send_text", phone="55", message="hi", delayMessage=5, delayTyping=3, messageId="ABC"
    )
    assert fake_zapi.last_json() == {
        "phone": "55",
        "message": "hi",
        "delayMessage": 5,
        "delayTyping": 3,
        "messageId": "ABC",
    }


@pytest.mark.parametrize("delay", [0, 16])
def test_delay_outside_one_to_fifteen_seconds_is_refused_before_sending(instance, fake_zapi, delay):
    with pytest.raises(ValueError):
        instance.send("send_text", phone="55", message="hi", delayMessage=delay)
    assert fake_zapi.requests == []


def test_send_document_puts_extension_in_path(instance, fake_zapi):
    # spec 001, "Messages > Send documents"
    instance.send(
        "send_document",
        phone="5511999998888",
        document="https://expoforest.com.br/wp-content/uploads/2017/05/exemplo.pdf",
        fileName="Meu PDF",
        path={"extension": "pdf"},
    )
    assert str(fake_zapi.last.url) == f"{PREFIX}/send-document/pdf"
    assert fake_zapi.last_json() == {
        "phone": "5511999998888",
        "document": "https://expoforest.com.br/wp-content/uploads/2017/05/exemplo.pdf",
        "fileName": "Meu PDF",
    }


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        (
            lambda c: c.send("send_image", phone="5511999998888", image="https://x/logo.svg"),
            "send-image",
            {"phone": "5511999998888", "image": "https://x/logo.svg"},
        ),
        (
            lambda c: c.send("send_sticker", phone="55", sticker="s"),
            "send-sticker",
            {"phone": "55", "sticker": "s"},
        ),
        (
            lambda c: c.send("send_gif", phone="55", gif="g"),
            "send-gif",
            {"phone": "55", "gif": "g"},
        ),
        (
            lambda c: c.send("send_audio", phone="55", audio="a"),
            "send-audio",
            {"phone": "55", "audio": "a"},
        ),
        (
            lambda c: c.send("send_video", phone="55", video="v"),
            "send-video",
            {"phone": "55", "video": "v"},
        ),
        (
            lambda c: c.send("send_ptv", phone="55", ptv="p"),
            "send-ptv",
            {"phone": "55", "ptv": "p"},
        ),
        (
            lambda c: c.send(
                "send_link",
                phone="55",
                message="see https://z-api.io",
                image="i",
                link_url="https://z-api.io",
                title="Z-API",
                link_description="d",
            ),
            "send-link",
            {
                "phone": "55",
                "message": "see https://z-api.io",
                "image": "i",
                "linkUrl": "https://z-api.io",
                "title": "Z-API",
                "linkDescription": "d",
            },
        ),
        (
            lambda c: c.send(
                "send_location",
                phone="5511999998888",
                title="Google Brasil",
                address="Av",
                latitude="-23.0696347",
                longitude="-50.4357913",
            ),
            "send-location",
            {
                "phone": "5511999998888",
                "title": "Google Brasil",
                "address": "Av",
                "latitude": "-23.0696347",
                "longitude": "-50.4357913",
            },
        ),
        (
            lambda c: c.send(
                "send_product",
                phone="5511999998888",
                catalogPhone="5511999998888",
                productId="7190654897637620",
            ),
            "send-product",
            {
                "phone": "5511999998888",
                "catalogPhone": "5511999998888",
                "productId": "7190654897637620",
            },
        ),
        (
            lambda c: c.send("send_catalog", phone="55", catalogPhone="56"),
            "send-catalog",
            {"phone": "55", "catalogPhone": "56"},
        ),
        (
            lambda c: c.send(
                "send_contact",
                phone="55",
                contactName="Nome do contato",
                contactPhone="5511999999999",
            ),
            "send-contact",
            {"phone": "55", "contactName": "Nome do contato", "contactPhone": "5511999999999"},
        ),
        (
            lambda c: c.send(
                "send_contacts", phone="55", contacts=[{"name": "n", "phones": ["1"]}]
            ),
            "send-contacts",
            {"phone": "55", "contacts": [{"name": "n", "phones": ["1"]}]},
        ),
        (
            lambda c: c.send(
                "send_button_actions",
                phone="55",
                message="m",
                buttonActions=[{"id": "1", "type": "CALL"}],
            ),
            "send-button-actions",
            {"phone": "55", "message": "m", "buttonActions": [{"id": "1", "type": "CALL"}]},
        ),
        (
            lambda c: c.send(
                "send_button_list",
                phone="55",
                message="m",
                buttonList={"buttons": [{"id": "1", "label": "Ótimo"}]},
            ),
            "send-button-list",
            {
                "phone": "55",
                "message": "m",
                "buttonList": {"buttons": [{"id": "1", "label": "Ótimo"}]},
            },
        ),
        (
            lambda c: c.send(
                "send_option_list",
                phone="55",
                message="m",
                optionList={"title": "t", "options": []},
            ),
            "send-option-list",
            {"phone": "55", "message": "m", "optionList": {"title": "t", "options": []}},
        ),
        (
            lambda c: c.send(
                "send_button_otp", phone="554499999999", message="Message", code="123"
            ),
            "send-button-otp",
            {"phone": "554499999999", "message": "Message", "code": "123"},
        ),
        (
            lambda c: c.send("send_button_pix", phone="554499999999", pixKey="pix key", type="EVP"),
            "send-button-pix",
            {"phone": "554499999999", "pixKey": "pix key", "type": "EVP"},
        ),
        (
            lambda c: c.send("send_carousel", phone="55", message="m", carousel=[{"text": "t"}]),
            "send-carousel",
            {"phone": "55", "message": "m", "carousel": [{"text": "t"}]},
        ),
        (
            lambda c: c.send(
                "send_poll",
                phone="5511999998888",
                message="Qual a melhor API para WhatsApp?",
                poll=[{"name": "Z-API"}, {"name": "Outros"}],
            ),
            "send-poll",
            {
                "phone": "5511999998888",
                "message": "Qual a melhor API para WhatsApp?",
                "poll": [{"name": "Z-API"}, {"name": "Outros"}],
            },
        ),
        (
            lambda c: c.send(
                "send_poll_vote", phone="55", pollMessageId="pid", pollVote=[{"name": "Z-API"}]
            ),
            "send-poll-vote",
            {"phone": "55", "pollMessageId": "pid", "pollVote": [{"name": "Z-API"}]},
        ),
        (
            lambda c: c.send("send_order", phone="55", order={"currency": "BRL"}),
            "send-order",
            {"phone": "55", "order": {"currency": "BRL"}},
        ),
        (
            lambda c: c.send("send_event", phone="55", event={"name": "e"}),
            "send-event",
            {"phone": "55", "event": {"name": "e"}},
        ),
        (
            lambda c: c.send(
                "send_edit_event", phone="55", eventMessageId="E1", event={"name": "e"}
            ),
            "send-edit-event",
            {"phone": "55", "eventMessageId": "E1", "event": {"name": "e"}},
        ),
        (
            lambda c: c.send(
                "send_event_response", phone="55", eventMessageId="E1", eventResponse="GOING"
            ),
            "send-event-response",
            {"phone": "55", "eventMessageId": "E1", "eventResponse": "GOING"},
        ),
        (
            lambda c: c.send(
                "forward_message",
                phone="5511999998888",
                messageId="3999984263738042930CD6ECDE9VDWSA",
                messagePhone="5511888888888",
            ),
            "forward-message",
            {
                "phone": "5511999998888",
                "messageId": "3999984263738042930CD6ECDE9VDWSA",
                "messagePhone": "5511888888888",
            },
        ),
        (
            lambda c: c.send(
                "send_reaction", phone="55", messageId="EDSFSAD213213DDSD7", reaction="❤️"
            ),
            "send-reaction",
            {"phone": "55", "reaction": "❤️", "messageId": "EDSFSAD213213DDSD7"},
        ),
        (
            lambda c: c.send("send_remove_reaction", phone="55", messageId="M"),
            "send-remove-reaction",
            {"phone": "55", "messageId": "M"},
        ),
        (
            lambda c: c.call("read_message", json={"phone": "55", "messageId": "M"}),
            "read-message",
            {"phone": "55", "messageId": "M"},
        ),
        (
            lambda c: c.send(
                "pin_message",
                phone="55",
                messageId="M",
                messageAction="pin",
                pinMessageDuration="7_days",
            ),
            "pin-message",
            {
                "phone": "55",
                "messageId": "M",
                "messageAction": "pin",
                "pinMessageDuration": "7_days",
            },
        ),
        (
            lambda c: c.send("send_text_status", message="Sua mensagem para status"),
            "send-text-status",
            {"message": "Sua mensagem para status"},
        ),
        (lambda c: c.send("send_image_status", image="i"), "send-image-status", {"image": "i"}),
        (lambda c: c.send("send_video_status", video="v"), "send-video-status", {"video": "v"}),
        (
            lambda c: c.send(
                "reply_status_text",
                phone="5544999999999",
                message="texto da mensagem",
                statusMessageId="1F60",
            ),
            "reply-status-text",
            {"phone": "5544999999999", "message": "texto da mensagem", "statusMessageId": "1F60"},
        ),
        (
            lambda c: c.call("send_call", json={"phone": "5511999998888", "callDuration": 5}),
            "send-call",
            {"phone": "5511999998888", "callDuration": 5},
        ),
    ],
)
def test_every_send_kind_posts_the_spec_body(instance, fake_zapi, call, path, body):
    call(instance)
    assert (fake_zapi.last.method, str(fake_zapi.last.url)) == ("POST", f"{PREFIX}/{path}")
    assert fake_zapi.last_json() == body


def test_delete_message_uses_query_parameters(instance, fake_zapi):
    # spec 001, "Messages > Delete messages"
    instance.call(
        "delete_message", query={"messageId": "123", "phone": "5511999998888", "owner": True}
    )
    assert fake_zapi.last.method == "DELETE"
    assert (
        str(fake_zapi.last.url) == f"{PREFIX}/messages?messageId=123&phone=5511999998888&owner=true"
    )


def test_pairing_requests(instance, fake_zapi):
    fake_zapi.reply(
        httpx.Response(200, content=b"\x89PNG"),
        httpx.Response(200, json={"value": "data:image/png;base64,AAA"}),
        httpx.Response(200, json={"code": "ABCD-1234"}),
    )
    assert instance.qr_code() == b"\x89PNG"
    assert instance.qr_code_image().value == "data:image/png;base64,AAA"
    assert instance.phone_code("5511999999999").code == "ABCD-1234"
    assert [str(r.url) for r in fake_zapi.requests] == [
        f"{PREFIX}/qr-code",
        f"{PREFIX}/qr-code/image",
        f"{PREFIX}/phone-code/5511999999999",
    ]


def test_device_and_me_parse_and_keep_unknown_fields(instance, fake_zapi):
    fake_zapi.reply(
        httpx.Response(
            200,
            json={
                "phone": "5544",
                "device": {"sessionName": "Z-API", "device_model": "Z-API"},
                "sessionId": 175,
                "isBusiness": False,
                "newField": 1,
            },
        ),
        httpx.Response(
            200,
            json={
                "id": "I",
                "token": "T-SECRET",
                "due": 1,
                "connected": True,
                "receiveCallbackSentByMe": True,
            },
        ),
    )
    device = instance.device()
    assert device.device is not None and device.device.sessionName == "Z-API"
    assert device.model_extra == {"newField": 1}
    me = instance.me()
    assert me.connected is True and me.receiveCallbackSentByMe is True
    assert "T-SECRET" not in repr(me)


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        (lambda c: c.update_name("new name"), "update-name", {"value": "new name"}),
        (lambda c: c.update_auto_read_message(True), "update-auto-read-message", {"value": True}),
        (lambda c: c.update_auto_read_status(False), "update-auto-read-status", {"value": False}),
        (lambda c: c.update_call_reject_auto(True), "update-call-reject-auto", {"value": True}),
        (
            lambda c: c.update_call_reject_message("Reply message"),
            "update-call-reject-message",
            {"value": "Reply message"},
        ),
        (
            lambda c: c.update_profile_picture("Image URL"),
            "profile-picture",
            {"value": "Image URL"},
        ),
        (
            lambda c: c.update_profile_name("Profile Name"),
            "profile-name",
            {"value": "Profile Name"},
        ),
        (
            lambda c: c.update_profile_description("Profile Description"),
            "profile-description",
            {"value": "Profile Description"},
        ),
        (
            lambda c: c.update_webhook("delivery", "https://e/d"),
            "update-webhook-delivery",
            {"value": "https://e/d"},
        ),
        (
            lambda c: c.update_webhook("received_delivery", "https://e/r"),
            "update-webhook-received-delivery",
            {"value": "https://e/r"},
        ),
        (
            lambda c: c.update_webhook("message_status", "https://e/s"),
            "update-webhook-message-status",
            {"value": "https://e/s"},
        ),
        (
            lambda c: c.update_webhook("chat_presence", "https://e/p"),
            "update-webhook-chat-presence",
            {"value": "https://e/p"},
        ),
        (
            lambda c: c.update_webhook("connected", "https://e/c"),
            "update-webhook-connected",
            {"value": "https://e/c"},
        ),
        (
            lambda c: c.update_webhook("disconnected", "https://e/x"),
            "update-webhook-disconnected",
            {"value": "https://e/x"},
        ),
        (
            lambda c: c.update_every_webhooks("https://e/status", notify_sent_by_me=True),
            "update-every-webhooks",
            {"value": "https://e/status", "notifySentByMe": True},
        ),
        (
            lambda c: c.update_notify_sent_by_me(True),
            "update-notify-sent-by-me",
            {"notifySentByMe": True},
        ),
    ],
)
def test_settings_profile_and_webhooks_are_puts_with_value(instance, fake_zapi, call, path, body):
    fake_zapi.reply(httpx.Response(200, json={"value": True}))
    assert call(instance).value is True
    assert (fake_zapi.last.method, str(fake_zapi.last.url)) == ("PUT", f"{PREFIX}/{path}")
    assert fake_zapi.last_json() == body


def test_queue_page_reads_a_bare_list_with_capitalised_fields(instance, fake_zapi):
    # spec 001, "Queue > Fila" (the example wraps the list in braces, which is not JSON)
    item = {
        "_id": "39BB",
        "DelayMessage": -1,
        "Message": "Mensagem da fila 1",
        "IsTrial": False,
        "InstanceId": "3A5D",
        "Phone": "5511999999999",
        "ZaapId": "39BB",
        "DelayTyping": 0,
        "MessageId": "7AD2",
        "Created": 1624977905648,
    }
    fake_zapi.reply(httpx.Response(200, json=[item]))
    page = instance.queue(page=1, page_size=100)
    assert str(fake_zapi.last.url) == f"{PREFIX}/queue?page=1&pageSize=100"
    assert page.messages == [QueueMessage.model_validate(item)]
    assert page.messages[0].id_ == "39BB" and page.messages[0].ZaapId == "39BB"


def test_queue_cursor_paging_posts_the_cursor_and_caps_the_page_at_30(instance, fake_zapi):
    fake_zapi.reply(
        httpx.Response(200, json={"messages": [{"ZaapId": "A1"}], "pagingState": "c2"}),
        httpx.Response(200, json={"messages": [], "pagingState": None}),
    )
    first = instance.queue_page()
    last = instance.queue_page(paging_state=first.pagingState, page_size=50)
    assert [(r.method, str(r.url)) for r in fake_zapi.requests] == [
        ("POST", f"{PREFIX}/queue"),
        ("POST", f"{PREFIX}/queue"),
    ]
    assert [json.loads(r.content) for r in fake_zapi.requests] == [
        {"pageSize": 20},
        {"pageSize": 30, "pagingState": "c2"},
    ]
    assert first.messages[0].ZaapId == "A1"
    assert last.pagingState is None


@pytest.mark.parametrize("body", [{"count": 7}, 7])
def test_queue_count_reads_number_or_object(instance, fake_zapi, body):
    fake_zapi.reply(httpx.Response(200, json=body))
    assert instance.queue_count().count == 7
    assert str(fake_zapi.last.url) == f"{PREFIX}/queue/count"


def test_queue_deletes(instance, fake_zapi):
    fake_zapi.reply(httpx.Response(200), httpx.Response(200))
    instance.queue_delete_all()
    instance.queue_delete("39BB1684570F00E91090F6BBC7EE7646")
    assert [(r.method, str(r.url)) for r in fake_zapi.requests] == [
        ("DELETE", f"{PREFIX}/queue"),
        ("DELETE", f"{PREFIX}/queue/39BB1684570F00E91090F6BBC7EE7646"),
    ]


def test_phone_exists_reads_the_spec_list_with_text_boolean(instance, fake_zapi):
    # spec 001, "Contacts > Number with WhatsApp?": [{"exists": "true or false"}]
    fake_zapi.reply(
        httpx.Response(200, json=[{"exists": "true"}]), httpx.Response(200, json={"exists": False})
    )
    assert instance.phone_exists("5511999999999").exists is True
    assert str(fake_zapi.last.url) == f"{PREFIX}/phone-exists/5511999999999"
    assert instance.phone_exists("5511").exists is False


def test_phone_exists_batch(instance, fake_zapi):
    # spec 001, "Contacts > Number with WhatsApp?"
    fake_zapi.reply(
        httpx.Response(
            200,
            json=[
                {"exists": True, "inputPhone": "554499999999", "outputPhone": "554499999999"},
                {"exists": False, "inputPhone": "554488888888", "outputPhone": "554488888888"},
            ],
        )
    )
    items = instance.phone_exists_batch(["554499999999", "554488888888"])
    assert fake_zapi.last_json() == {"phones": ["554499999999", "554488888888"]}
    assert [i.exists for i in items] == [True, False]


@pytest.mark.parametrize(
    ("call", "method", "url", "body"),
    [
        (lambda c: c.contacts(page=1, page_size=20), "GET", "/contacts?page=1&pageSize=20", None),
        (lambda c: c.contact_metadata("5511999999999"), "GET", "/contacts/5511999999999", None),
        (
            lambda c: c.contact_block("5544999999999", "block"),
            "POST",
            "/contacts/modify-blocked",
            {"phone": "5544999999999", "action": "block"},
        ),
        (lambda c: c.chats(page=2, page_size=10), "GET", "/chats?page=2&pageSize=10", None),
        (lambda c: c.chat_metadata("5511999999999"), "GET", "/chats/5511999999999", None),
        (
            lambda c: c.modify_chat("5544991515165", "archive"),
            "POST",
            "/modify-chat",
            {"phone": "5544991515165", "action": "archive"},
        ),
        (lambda c: c.tags(), "GET", "/tags", None),
        (lambda c: c.tag_colors(), "GET", "/business/tags/colors", None),
        (
            lambda c: c.tag_create("Tag Name", 1),
            "POST",
            "/business/create-tag",
            {"name": "Tag Name", "color": 1},
        ),
        (
            lambda c: c.tag_edit("7", "Tag Name", 2),
            "POST",
            "/business/edit-tag/7",
            {"name": "Tag Name", "color": 2},
        ),
        (lambda c: c.tag_delete("7"), "DELETE", "/business/tag/7", None),
        (
            lambda c: c.chat_tag_add("5511999999999", "3"),
            "PUT",
            "/chats/5511999999999/tags/3/add",
            None,
        ),
        (
            lambda c: c.chat_tag_remove("5511999999999", "3"),
            "PUT",
            "/chats/5511999999999/tags/3/remove",
            None,
        ),
        (
            lambda c: c.product_upsert({"name": "Meu primeiro produto", "price": 20}),
            "POST",
            "/products",
            {"name": "Meu primeiro produto", "price": 20},
        ),
        (lambda c: c.catalogs(), "GET", "/catalogs", None),
        (
            lambda c: c.catalog_by_phone("5544", next_cursor="C"),
            "GET",
            "/catalogs/5544?nextCursor=C",
            None,
        ),
        (lambda c: c.product("999"), "GET", "/products/999", None),
        (lambda c: c.product_delete("999"), "DELETE", "/products/999", None),
        (
            lambda c: c.catalog_config(cart_enabled=True),
            "POST",
            "/catalogs/config",
            {"cartEnabled": True},
        ),
        (lambda c: c.collections(), "GET", "/catalogs/collection", None),
        (
            lambda c: c.collection_create("Collection Name", ["121212121212"]),
            "POST",
            "/catalogs/collection",
            {"name": "Collection Name", "productIds": ["121212121212"]},
        ),
        (
            lambda c: c.collection_edit("228078660281007", "New collection name"),
            "POST",
            "/catalogs/collection-edit/228078660281007",
            {"name": "New collection name"},
        ),
        (
            lambda c: c.collection_delete("123123123123"),
            "DELETE",
            "/catalogs/collection/123123123123",
            None,
        ),
        (
            lambda c: c.collection_products(
                "554412121212", "12312312313", next_cursor="CURSOR_VALUE"
            ),
            "GET",
            "/catalogs/collection-products/554412121212?collectionId=12312312313&nextCursor=CURSOR_VALUE",
            None,
        ),
        (
            lambda c: c.collection_add_products("658387616418640", ["6643149779134830"]),
            "POST",
            "/catalogs/collection/add-product",
            {"collectionId": "658387616418640", "productIds": ["6643149779134830"]},
        ),
        (
            lambda c: c.collection_remove_products("658387616418640", ["6643149779134830"]),
            "POST",
            "/catalogs/collection/remove-product",
            {"collectionId": "658387616418640", "productIds": ["6643149779134830"]},
        ),
        (
            lambda c: c.company_description("Description text"),
            "POST",
            "/business/company-description",
            {"value": "Description text"},
        ),
        (
            lambda c: c.company_email("email@example.com"),
            "POST",
            "/business/company-email",
            {"value": "email@example.com"},
        ),
        (
            lambda c: c.company_address("Company Address"),
            "POST",
            "/business/company-address",
            {"value": "Company Address"},
        ),
        (
            lambda c: c.company_websites(["https://example.com"]),
            "POST",
            "/business/company-websites",
            {"websites": ["https://example.com"]},
        ),
        (
            lambda c: c.business_hours(
                timezone="America/Sao_Paulo",
                days=[{"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "12:00"}],
            ),
            "POST",
            "/business/hours",
            {
                "timezone": "America/Sao_Paulo",
                "days": [{"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "12:00"}],
                "mode": "specificHours",
            },
        ),
        (
            lambda c: c.business_available_categories("tecnologia"),
            "GET",
            "/business/available-categories?query=tecnologia",
            None,
        ),
        (
            lambda c: c.business_categories(["RESTAURANT", "FINANCE"]),
            "POST",
            "/business/categories",
            {"categories": ["RESTAURANT", "FINANCE"]},
        ),
        (
            lambda c: c.mobile_registration_available("55", "4499999999"),
            "POST",
            "/mobile/registration-available",
            {"ddi": "55", "phone": "4499999999"},
        ),
        (
            lambda c: c.mobile_request_registration_code("55", "4499999999", "sms"),
            "POST",
            "/mobile/request-registration-code",
            {"ddi": "55", "phone": "4499999999", "method": "sms"},
        ),
        (
            lambda c: c.mobile_respond_captcha("123456"),
            "POST",
            "/mobile/respond-captcha",
            {"captcha": "123456"},
        ),
        (
            lambda c: c.mobile_confirm_registration_code("123456"),
            "POST",
            "/mobile/confirm-registration-code",
            {"code": "123456"},
        ),
        (
            lambda c: c.mobile_request_unbanning("Ae1C", "I was chatting normally and got banned"),
            "POST",
            "/mobile/request-unbanning",
            {"appealToken": "Ae1C", "description": "I was chatting normally and got banned"},
        ),
        (
            lambda c: c.mobile_confirm_pin_code("123456"),
            "POST",
            "/mobile/confirm-pin-code",
            {"code": "123456"},
        ),
    ],
)
def test_contacts_chats_business_and_mobile_requests(instance, fake_zapi, call, method, url, body):
    fake_zapi.reply(httpx.Response(200, json={}))
    call(instance)
    assert (fake_zapi.last.method, str(fake_zapi.last.url)) == (method, PREFIX + url)
    if body is None:
        assert fake_zapi.last.content == b""
    else:
        assert fake_zapi.last_json() == body


def test_request_registration_code_parses_spec_000_answer(instance, fake_zapi):
    fake_zapi.reply(
        httpx.Response(
            200,
            json={
                "success": True,
                "retryAfter": 165,
                "smsWaitSeconds": 125,
                "voiceWaitSeconds": 125,
                "waOldWaitSeconds": 125,
                "method": "sms",
            },
        )
    )
    answer = instance.mobile_request_registration_code("55", "4499999999", "sms")
    assert answer.success is True and answer.retryAfter == 165 and answer.captcha is None


def test_generic_call_reaches_any_instance_row_by_name(instance, fake_zapi):
    fake_zapi.reply(httpx.Response(200, json={"ok": 1}))
    data = instance.call("group_metadata", path={"phone": "120363019502650977-group"})
    assert data == {"ok": 1}
    assert str(fake_zapi.last.url) == f"{PREFIX}/group-metadata/120363019502650977-group"


def test_generic_call_refuses_rows_of_another_scope(instance):
    with pytest.raises(ValueError, match="partner"):
        instance.call("partner_list_instances")
