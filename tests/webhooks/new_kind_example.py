"""The diff of one new webhook kind, and the check that every derived place picks it up.

Issue 10: "adding a webhook type is one row plus one processor". ``DIFF`` below is all it
takes for a made-up ``call`` kind (Z-API documents no kind we do not process): its event
model (``CallCallback``), its row in ``zapi.events.kinds.WEBHOOK_KINDS`` and its processor in
``webhooks.processors.PROCESSORS``. ``tests/webhooks/test_new_kind.py`` applies it to a copy
of the tree and runs ``check()`` there in a fresh interpreter, so lists built at import see
the row exactly as they would after a real commit. ``check()`` then asserts, with nothing
else changed: the client's ``update_webhook("call", ...)`` PUTs ``/update-webhook-call``;
the sandbox answers that path and shows ``callCallbackUrl`` in ``/me``; ``update-every-
webhooks`` sets it; the partner on-demand body and the sandbox's on-demand create carry
it; the instance's Webhooks page shows a "Call" row; the sandbox routes a ``CallCallback``
to that URL; the receiver stores the event and ``process_call`` runs on it.

If the diff stops applying (someone rewrote the lines around it), regenerate it: make the
three edits by hand in a scratch copy and paste ``git diff``.
"""

from __future__ import annotations

DIFF = '''\
diff --git a/webhooks/processors.py b/webhooks/processors.py
--- a/webhooks/processors.py
+++ b/webhooks/processors.py
@@ -37,6 +37,7 @@ from zapi.events import (
     PresenceChatCallback,
     ReceivedCallback,
 )
+from zapi.events.callbacks import CallCallback

 Processor = Callable[[WebhookEvent, Any], str]

@@ -167,6 +168,10 @@ def process_presence(event: WebhookEvent, parsed: PresenceChatCallback) -> str:
     return "older than the presence we have"


+def process_call(event: WebhookEvent, parsed: CallCallback) -> str:
+    return f"call from {parsed.phone}: {parsed.status}"
+
+
 # Keyed by the event model ``zapi.events.parse_event`` returns; a test checks that every
 # model of ``zapi.events.WEBHOOK_KINDS`` has one.
 PROCESSORS: dict[type[Event], Processor] = {
@@ -176,4 +181,5 @@ PROCESSORS: dict[type[Event], Processor] = {
     ConnectedCallback: process_connected,
     DisconnectedCallback: process_disconnected,
     PresenceChatCallback: process_presence,
+    CallCallback: process_call,
 }
diff --git a/zapi/events/callbacks.py b/zapi/events/callbacks.py
--- a/zapi/events/callbacks.py
+++ b/zapi/events/callbacks.py
@@ -110,6 +110,11 @@ class PresenceChatCallback(Event):
     lastSeen: int | None = None


+class CallCallback(Event):
+    phone: str | None = None
+    status: str | None = None
+
+
 class ReceivedCallback(Event):
     """A message or a notification in a chat (spec 001, "Webhooks > Upon receiving").

diff --git a/zapi/events/kinds.py b/zapi/events/kinds.py
--- a/zapi/events/kinds.py
+++ b/zapi/events/kinds.py
@@ -21,6 +21,7 @@ from __future__ import annotations
 from dataclasses import dataclass

 from zapi.events.callbacks import (
+    CallCallback,
     ConnectedCallback,
     DeliveryCallback,
     DisconnectedCallback,
@@ -98,6 +99,7 @@ WEBHOOK_KINDS: tuple[WebhookKind, ...] = (
         gettext_noop("Received and sent by me"),
         11210,
     ),
+    WebhookKind("call", "callCallbackUrl", (CallCallback,), gettext_noop("Call"), 0),
 )

 WEBHOOK_KINDS_BY_NAME: dict[str, WebhookKind] = {kind.name: kind for kind in WEBHOOK_KINDS}
'''

CALL_URL = "https://hooks.example.com/call"


def check() -> None:
    """Runs in the patched copy (``DJANGO_SETTINGS_MODULE`` set, the outer test's database);
    everything it writes is rolled back."""
    import django

    django.setup()
    from django.db import transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()
    with transaction.atomic():
        _check()
        transaction.set_rollback(True)
    print("new kind: every derived place picked it up")


def _check() -> None:
    import httpx
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import Client
    from django.urls import reverse

    from instances.zapi import instance_client
    from partners.lifecycle import webhook_options
    from partners.roles import Role
    from sandbox.models import SandboxAccount, SandboxInstance, SandboxWebhook
    from sandbox.services import sandbox_instance_create
    from sandbox.webhooks import webhook_emit
    from tests.factories import InstanceFactory, MembershipFactory
    from tests.fakes import FakeZapi, install, uninstall
    from webhooks.models import EventState, WebhookEvent
    from webhooks.services import webhook_event_process
    from zapi import InstanceClient, PartnerClient
    from zapi.events import EVENT_TYPES, parse_event, webhook_kind
    from zapi.events.callbacks import CallCallback

    kind = webhook_kind("call")
    assert (kind.callback_field, kind.path) == ("callCallbackUrl", "/update-webhook-call")
    assert EVENT_TYPES["callcallback"] is CallCallback
    assert isinstance(parse_event({"type": "CallCallback", "phone": "5511"}), CallCallback)

    # The client, at the transport: one PUT to the kind's own path.
    instance = InstanceFactory()
    fake = FakeZapi()
    install(fake)
    try:
        instance_client(instance).update_webhook("call", CALL_URL)
        assert fake.last is not None and fake.last.method == "PUT", fake.last
        assert fake.last.url.path.endswith("/update-webhook-call"), fake.last.url
        assert fake.last_json() == {"value": CALL_URL}

        # The Webhooks page: "point every webhook here" (update-every-webhooks in the fake),
        # then the page lists a "Call" row pointing here.
        user = MembershipFactory(partner=instance.partner, role=Role.OPERATOR).user
        browser = Client()
        browser.force_login(user)
        page = reverse("admin:instances_instance_webhooks", args=[instance.pk])
        browser.post(page, {"notify_sent_by_me": "on"})
        assert fake.me.get("callCallbackUrl") == instance.webhook_url, fake.me
        body = browser.get(page).content.decode()
        row = '<tr><td>Call</td><td>this dashboard</td><td><span class="badge badge-ok">'
        assert row in body, body
    finally:
        uninstall()

    # The partner on-demand body points the kind at our receiver.
    options = webhook_options(instance)
    assert options["callCallbackUrl"].endswith("/call"), options

    # The sandbox over (in-process) HTTP: the update path, /me, on-demand create. As in
    # tests/sandbox/conftest.py, the request signals must not close this transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with httpx.Client(
        transport=httpx.WSGITransport(app=WSGIHandler()), base_url="http://localhost"
    ) as http:
        base = "http://localhost/sandbox"
        sbx = sandbox_instance_create(name="Calls", connected=True, phone="5511999990000")
        zc = InstanceClient(base, sbx.zapi_id, sbx.token, http=http, max_retries=0)
        assert zc.update_webhook("call", CALL_URL).value is True
        assert zc.me().callCallbackUrl == CALL_URL
        account = SandboxAccount.objects.create(name="R", integrator_token="INTEGRATOR-NEW")
        partner = PartnerClient(base, account.integrator_token, http=http, max_retries=0)
        created = partner.create_instance("Shop", callCallbackUrl=CALL_URL + "/2")
        trial = SandboxInstance.objects.get(zapi_id=created.id)
        assert trial.webhook_url("call") == CALL_URL + "/2"

    # The sandbox routes the kind's event to the kind's URL (and to no other).
    sbx.refresh_from_db()  # the PUT above stored the kind's URL
    sbx.webhooks = {**sbx.webhooks, "received": "https://hooks.example.com/r"}
    sbx.faults = {}
    sbx.save()
    payload = {"type": "CallCallback", "phone": "5511999990001", "status": "RINGING"}
    rows = webhook_emit(sbx, payload)
    assert [(r.url, r.kind) for r in rows] == [(CALL_URL, "CallCallback")], rows
    assert SandboxWebhook.objects.filter(instance=sbx).count() == 1

    # The receiver stores it; its processor runs.
    receive = reverse(
        "webhooks:receive-kind",
        kwargs={"instance_id": instance.pk, "secret": instance.webhook_secret, "kind": "call"},
    )
    answer = Client().post(receive, payload, content_type="application/json")
    assert answer.status_code == 200, answer.content
    event = WebhookEvent.objects.get(instance=instance, event_type="CallCallback")
    webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    assert event.state == EventState.PROCESSED, (event.state, event.error)
    assert event.outcome == "call from 5511999990001: RINGING", event.outcome
