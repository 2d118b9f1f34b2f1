"""The receiver checks the secret against a keyed hash on the instance: no decrypt per
request (webhooks.selectors, webhooks.services)."""

from __future__ import annotations

import pytest

from core import fields
from instances.models import Instance, webhook_secret_digest
from tests.factories import InstanceFactory
from tests.webhooks.conftest import post_event
from webhooks.models import WebhookEvent
from webhooks.services import webhook_secret_verify

pytestmark = pytest.mark.django_db

EVENT = {"type": "ConnectedCallback", "connected": True, "momment": 1_700_000_000_000}


def test_saving_an_instance_keeps_the_digest_of_its_secret(instance):
    assert instance.webhook_secret_digest == webhook_secret_digest(str(instance.webhook_secret))
    assert str(instance.webhook_secret) not in instance.webhook_secret_digest


def test_a_request_decrypts_nothing(webhook_client, instance, monkeypatch):
    secret = str(instance.webhook_secret)
    for name in dir(fields):
        target = getattr(fields, name)
        if isinstance(target, type) and hasattr(target, "from_db_value"):
            monkeypatch.setattr(target, "from_db_value", _no_decrypt)
    assert webhook_secret_verify(instance_id=instance.pk, secret=secret) == instance.pk
    assert webhook_secret_verify(instance_id=instance.pk, secret=secret[:-1] + "x") is None
    assert post_event(webhook_client, instance, EVENT, secret=secret).status_code == 200


def _no_decrypt(*args, **kwargs):
    raise AssertionError("the receiver decrypted a field")


def test_wrong_secret_and_unknown_instance_are_refused(webhook_client, instance):
    assert post_event(webhook_client, instance, EVENT, secret="x" * 43).status_code == 404
    assert webhook_secret_verify(instance_id=instance.pk + 999, secret="x" * 43) is None
    assert not WebhookEvent.objects.exists()


def test_a_row_written_in_bulk_gets_its_digest_on_its_first_webhook(webhook_client, partner):
    (row,) = Instance.objects.bulk_create([InstanceFactory.build(partner=partner)])
    Instance.objects.filter(pk=row.pk).update(webhook_secret_digest="")
    row = Instance.objects.get(pk=row.pk)
    assert post_event(webhook_client, row, EVENT, secret="x" * 43).status_code == 404
    assert post_event(webhook_client, row, EVENT).status_code == 200
    row.refresh_from_db()
    assert row.webhook_secret_digest == webhook_secret_digest(str(row.webhook_secret))


def test_a_digest_made_under_an_older_secret_key_still_opens_and_is_renewed(
    webhook_client, instance, settings
):
    old_key = "an-older-secret-key-" * 3
    Instance.objects.filter(pk=instance.pk).update(
        webhook_secret_digest=webhook_secret_digest(str(instance.webhook_secret), old_key)
    )
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert post_event(webhook_client, instance, EVENT).status_code == 200
    instance.refresh_from_db()
    assert instance.webhook_secret_digest == webhook_secret_digest(str(instance.webhook_secret))
    # Without the old key among the fallbacks, a stale digest is not a way in.
    Instance.objects.filter(pk=instance.pk).update(
        webhook_secret_digest=webhook_secret_digest(str(instance.webhook_secret), old_key)
    )
    settings.SECRET_KEY_FALLBACKS = []
    assert post_event(webhook_client, instance, EVENT).status_code == 404
