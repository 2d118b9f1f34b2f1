"""The demo's living fleet (README run command): sandbox instances that are connected,
waiting for a QR scan, and disconnected with queued messages, each registered as a product
instance of the demo partner with its webhooks pointed at the product's receiver.

Idempotent: instances are found again by name in the demo account; nothing is created twice.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from instances.models import Instance, ProbeSource
from instances.services import instance_add, instance_connection_apply
from instances.tasks import instance_probe_task
from partners.models import Partner
from sandbox import sending, services
from sandbox.models import SandboxAccount, SandboxInstance

DEMO_ACCOUNT = "Demo fleet"
# name, phone, what it is doing
FLEET = (
    ("Sales São Paulo", "5511987650001", "connected"),
    ("Sales Rio", "5521987650002", "connected"),
    ("Support", "5511987650003", "waiting_qr"),
    ("Billing", "5511987650004", "disconnected"),
)
CONTACTS = (
    ("5511912340001", "Ana Souza"),
    ("5511912340002", "Bruno Lima"),
    ("5521912340003", "Carla Dias"),
)
QUEUED_WHILE_AWAY = 5
# WhatsApp Business on the first connected number: labels on the contacts' chats, products.
DEMO_LABELS = (("New lead", 1), ("Paid", 5), ("Waiting for payment", 2))
DEMO_PRODUCTS = (
    ("MUG-1", "Ceramic mug", "4500", "Hand made, 300 ml"),
    ("TEE-1", "T-shirt", "7900", "Cotton, sizes S to XL"),
)


def _business_demo(instance: SandboxInstance) -> None:
    from sandbox.models import SandboxChat, SandboxProduct, SandboxTag

    tags = [SandboxTag.objects.create(instance=instance, name=n, color=c) for n, c in DEMO_LABELS]
    for n, (phone, who) in enumerate(CONTACTS):
        SandboxChat.objects.get_or_create(
            instance=instance,
            phone=phone,
            defaults={"name": who, "tags": [str(tags[n % len(tags)].pk)]},
        )
    for retailer_id, name, price, description in DEMO_PRODUCTS:
        SandboxProduct.objects.create(
            instance=instance,
            product_id=f"DEMO{retailer_id}",
            data={"name": name, "price": price, "retailerId": retailer_id,
                  "description": description},
        )  # fmt: skip


def _sandbox_instance(account: SandboxAccount, name: str, phone: str, kind: str) -> SandboxInstance:
    existing = SandboxInstance.objects.filter(account=account, name=name).first()
    if existing is not None:
        return existing
    instance = services.sandbox_instance_create(
        name=name, account=account, connected=kind != "waiting_qr", phone=phone
    )
    instance.data["demo"] = True
    instance.save(update_fields=["data"])
    if name == FLEET[0][0]:
        _business_demo(instance)
    if kind == "disconnected":
        instance = services.instance_disconnect(instance=instance)
        for n in range(QUEUED_WHILE_AWAY):
            contact, who = CONTACTS[n % len(CONTACTS)]
            sending.message_enqueue(
                instance=instance,
                endpoint="send_text",
                body={"phone": contact, "message": f"Hi {who.split()[0]}, your invoice #{n + 1}"},
            )
    return instance


DEMO_PROBE_DELAY = 5  # seconds


@transaction.atomic
def demo_fleet(partner: Partner) -> None:
    account, _ = SandboxAccount.objects.get_or_create(name=DEMO_ACCOUNT)
    for name, phone, kind in FLEET:
        sandbox = _sandbox_instance(account, name, phone, kind)
        product = Instance.objects.filter(zapi_id=sandbox.zapi_id).first()
        if product is None:
            product = instance_add(
                partner=partner,
                zapi_id=sandbox.zapi_id,
                token=sandbox.token,
                client_token=account.client_token,
                name=name,
                phone=phone if kind != "waiting_qr" else "",
            )
            if kind == "disconnected":
                # Demo history: this number worked until yesterday, so the first probe finds it
                # dropped and the operators get the disconnect notice they would really see.
                instance_connection_apply(
                    instance_id=product.pk,
                    connected=True,
                    at=timezone.now() - timedelta(days=1),
                    source=ProbeSource.PROBE,
                )
        url = product.webhook_url
        urls = services.every_kind(url)
        if any(sandbox.webhooks.get(k) != u for k, u in urls.items()):
            services.instance_webhooks_update(instance=sandbox, urls=urls)
        # The dashboard learns each number's state from a status probe. The web server is not
        # up yet while the demo loads, so the probe waits a few seconds in the queue.
        transaction.on_commit(
            partial(instance_probe_task.apply_async, args=(product.pk,), countdown=DEMO_PROBE_DELAY)
        )


def demo_chatter() -> int:
    """Now and then a contact writes to a connected demo instance (beat), so the demo's
    inbox, events and charts move while someone looks."""
    sent = 0
    for instance in SandboxInstance.objects.filter(
        state=SandboxInstance.State.CONNECTED, data__demo=True
    ):
        if random.random() < 0.5:
            phone, who = random.choice(CONTACTS)
            text = random.choice(
                ("Hi! Is my order on its way?", "Thanks!", "Can I pay by PIX?", "Bom dia!")
            )
            services.inbound_message(
                instance=instance, phone=phone, content={"text": {"message": text}}, sender_name=who
            )
            sent += 1
    return sent
