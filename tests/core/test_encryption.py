"""Secrets at rest: encrypted in the database, readable with any configured key, rotatable."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from core import crypto
from instances.models import Instance
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db


def raw_column(instance: Instance, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM instances_instance WHERE id = %s", [instance.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_token_is_stored_encrypted_and_read_back_plain(partner):
    instance = InstanceFactory(partner=partner, token="plain-token-123", client_token="ct-456")
    stored = raw_column(instance, "token")
    assert "plain-token-123" not in stored
    assert crypto.decrypt(stored) == "plain-token-123"
    fresh = Instance.objects.get(pk=instance.pk)
    assert (fresh.token, fresh.client_token) == ("plain-token-123", "ct-456")


def test_every_instance_gets_its_own_long_random_webhook_secret(partner):
    a, b = InstanceFactory(partner=partner), InstanceFactory(partner=partner)
    assert a.webhook_secret != b.webhook_secret
    assert len(a.webhook_secret) >= 32  # 32 random bytes, base64url
    assert a.webhook_secret not in raw_column(a, "webhook_secret")


def test_old_keys_still_decrypt_after_a_new_key_is_put_first(partner, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    instance = InstanceFactory(partner=partner, token="survives-rotation")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    assert Instance.objects.get(pk=instance.pk).token == "survives-rotation"


def test_rotate_command_reencrypts_every_row_with_the_first_key(partner, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    instances = [InstanceFactory(partner=partner, token=f"tok-{n}") for n in range(3)]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    for n, instance in enumerate(instances):
        fresh = Instance.objects.get(pk=instance.pk)
        assert fresh.token == f"tok-{n}"
        assert fresh.webhook_secret == instance.webhook_secret


def test_a_secret_no_key_can_open_is_a_clear_error(partner, settings):
    instance = InstanceFactory(partner=partner)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        Instance.objects.get(pk=instance.pk)


def test_a_malformed_key_is_a_clear_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        crypto.encrypt("x")
