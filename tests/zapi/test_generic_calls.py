"""The generic call reaches every ENDPOINTS row, and the sections without named methods
(groups, communities, privacy, security, chats) build the spec's requests."""

import json

import httpx
import pytest

from tests.zapi.conftest import PREFIX
from zapi import ENDPOINTS, ENDPOINTS_BY_NAME, PartnerClient
from zapi.clients.base import BaseClient

ZAPI_DIR = __import__("zapi").__path__[0]


def _fill(endpoint):
    return {name: f"v-{name}" for name in endpoint.placeholders}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_generic_call_builds_method_and_url_for_every_row(
    endpoint, instance, partner, numbers, fake_zapi
):
    client: BaseClient = {"instance": instance, "partner": partner, "number_registration": numbers}[
        endpoint.scope
    ]
    fake_zapi.reply(httpx.Response(200, json={}))
    client.call(endpoint.name, path=_fill(endpoint), json={} if endpoint.method != "GET" else None)
    req = fake_zapi.last
    assert req.method == endpoint.method
    params = _fill(endpoint)
    if endpoint.scope == "instance":
        params |= {"instanceId": "3C4A2B1D0E9F", "token": "SECRET-INSTANCE-TOKEN-123"}
    expected_path = endpoint.route
    for key, value in params.items():
        expected_path = expected_path.replace("{" + key + "}", value)
    assert req.url.path == expected_path


@pytest.mark.parametrize(
    ("name", "path", "query", "body", "url"),
    [
        # Groups (spec 001, "Groups")
        ("groups", None, {"page": 1, "pageSize": 10}, None, "/groups?page=1&pageSize=10"),
        (
            "create_group",
            None,
            None,
            {"groupName": "Meu grupo Z-API", "phones": ["5511999999999", "5511888888888"]},
            "/create-group",
        ),
        (
            "update_group_name",
            None,
            None,
            {"groupName": "Novo nonme Z-API", "groupId": "5511999999999"},
            "/update-group-name",
        ),
        (
            "add_participant",
            None,
            None,
            {"groupId": "5511999999999-1623281429", "phones": ["5511999999999"]},
            "/add-participant",
        ),
        (
            "update_group_settings",
            None,
            None,
            {"groupId": "5511999999999-1623281429", "adminOnlyMessage": True},
            "/update-group-settings",
        ),
        (
            "group_metadata",
            {"phone": "120363019502650977-group"},
            None,
            None,
            "/group-metadata/120363019502650977-group",
        ),
        (
            "redefine_invitation_link",
            {"groupId": "120363019502650977-group"},
            None,
            None,
            "/redefine-invitation-link/120363019502650977-group",
        ),
        (
            "accept_invite_group",
            None,
            {"url": "https://chat.whatsapp.com/abc"},
            None,
            "/accept-invite-group?url=https%3A%2F%2Fchat.whatsapp.com%2Fabc",
        ),
        # Communities ("Communities")
        ("create_community", None, None, {"name": "Minha primeira Comunidade"}, "/communities"),
        (
            "community_link",
            None,
            None,
            {"communityId": "98372465382764532938", "groupsPhones": ["1345353454354354-group"]},
            "/communities/link",
        ),
        (
            "community_metadata",
            {"communityId": "120363019502650977"},
            None,
            None,
            "/communities-metadata/120363019502650977",
        ),
        (
            "community_deactivate",
            {"communityId": "120363019502650977"},
            None,
            None,
            "/communities/120363019502650977",
        ),
        # Privacy ("Privacy")
        (
            "privacy_disallowed_contacts",
            None,
            {"type": "lastSeen"},
            None,
            "/privacy/disallowed-contacts?type=lastSeen",
        ),
        (
            "privacy_last_seen",
            None,
            None,
            {
                "visualizationType": "CONTACT_BLACKLIST",
                "contactsBlacklist": [{"action": "add", "phone": "554411111111"}],
            },
            "/privacy/last-seen",
        ),
        (
            "privacy_read_receipts",
            None,
            {"value": "enable"},
            None,
            "/privacy/read-receipts?value=enable",
        ),
        (
            "privacy_messages_duration",
            None,
            {"value": "days90"},
            None,
            "/privacy/messages-duration?value=days90",
        ),
        # Account security ("Mobile")
        (
            "security_verify_email",
            None,
            None,
            {"verificationCode": "123456"},
            "/security/verify-email",
        ),
        ("security_two_fa_code_register", None, None, {"code": "123456"}, "/security/two-fa-code"),
        # Contacts and chats ("Contacts", "Chats")
        ("contacts_remove", None, None, ["554499999999", "554499998888"], "/contacts/remove"),
        (
            "contacts_add",
            None,
            None,
            [{"firstName": "Contato 1", "lastName": "Sobrenome 1", "phone": "554499999999"}],
            "/contacts/add",
        ),
        (
            "contact_profile_picture",
            None,
            {"phone": "551199999999"},
            None,
            "/profile-picture?phone=551199999999",
        ),
        (
            "send_chat_expiration",
            None,
            None,
            {"phone": "5511999998888", "chatExpiration": "24_HOURS"},
            "/send-chat-expiration",
        ),
        # Messages without a named method ("Messages")
        (
            "order_status_update",
            None,
            None,
            {
                "phone": "554498161272",
                "messageId": "3EB0F91BBA791BB0A787FC",
                "orderStatus": "processing",
            },
            "/order-status-update",
        ),
        (
            "send_newsletter_admin_invite",
            None,
            None,
            {
                "phone": "5511999998888",
                "adminInviteMessage": {
                    "newsletterId": "120363166555745933@newsletter",
                    "caption": "Message text",
                },
            },
            "/send-newsletter-admin-invite",
        ),
        (
            "reply_status_gif",
            None,
            None,
            {"phone": "5544999999999", "gif": "https://x.mp4", "statusMessageId": "1F60"},
            "/reply-status-gif",
        ),
    ],
)
def test_sections_without_named_methods_build_spec_requests(
    instance, fake_zapi, name, path, query, body, url
):
    fake_zapi.reply(httpx.Response(200, json={}))
    instance.call(name, path=path, query=query, json=body)
    req = fake_zapi.last
    assert req.method == ENDPOINTS_BY_NAME[name].method
    assert str(req.url) == PREFIX + url
    assert (json.loads(req.content) if req.content else None) == body


def test_partner_client_refuses_instance_rows():
    with pytest.raises(ValueError):
        PartnerClient("https://api.z-api.io", "t").call("status")


def test_zapi_never_imports_django():
    from pathlib import Path

    for path in Path(ZAPI_DIR).rglob("*.py"):
        text = path.read_text()
        assert "import django" not in text and "from django" not in text, path
