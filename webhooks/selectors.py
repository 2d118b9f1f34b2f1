"""Reads of the webhooks app."""

from __future__ import annotations

import hmac

from django.conf import settings

from instances.models import Instance, webhook_secret_digest

# Compared against when the instance does not exist, so an unknown id costs about the same
# time as a wrong secret.
_DUMMY_DIGEST = "0" * 64


def instance_id_for_webhook(*, instance_id: int, secret: str) -> int | None:
    """The instance's id when ``secret`` is its webhook secret, else None.

    One indexed read of one short column and a keyed hash of what was sent, compared in
    constant time (``hmac.compare_digest``): no decrypt per request. A row without a digest
    (written in bulk), or with one made under an older ``SECRET_KEY`` (still listed in
    ``SECRET_KEY_FALLBACKS``), is checked against its decrypted secret once and given its
    digest.
    """
    stored = (
        Instance.objects.filter(pk=instance_id)
        .values_list("webhook_secret_digest", flat=True)
        .first()
    )
    given = webhook_secret_digest(secret)
    if hmac.compare_digest((stored or _DUMMY_DIGEST).encode(), given.encode()):
        return instance_id if stored else None
    if stored is None:
        return None
    if stored and not any(
        hmac.compare_digest(stored.encode(), webhook_secret_digest(secret, key).encode())
        for key in settings.SECRET_KEY_FALLBACKS
    ):
        return None
    return _digest_refresh(instance_id=instance_id, secret=secret)


def _digest_refresh(*, instance_id: int, secret: str) -> int | None:
    row = Instance.objects.filter(pk=instance_id).values_list("webhook_secret", flat=True).first()
    if row is None or not hmac.compare_digest(str(row).encode(), secret.encode()):
        return None
    Instance.objects.filter(pk=instance_id).update(
        webhook_secret_digest=webhook_secret_digest(secret)
    )
    return instance_id
