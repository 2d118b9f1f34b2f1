"""Reads of the webhooks app."""

from __future__ import annotations

import enum
import hmac

from django.conf import settings

from instances.models import Instance, webhook_secret_digest

# Compared against when the instance does not exist, so an unknown id costs about the same
# time as a wrong secret.
_DUMMY_DIGEST = "0" * 64


class SecretVerdict(enum.Enum):
    OPEN = "open"  # the instance's secret, by its current digest
    CLOSED = "closed"  # not its secret, or no such instance
    # No digest yet (a row written in bulk), or one made under a key still listed in
    # ``SECRET_KEY_FALLBACKS``: the decrypted secret decides, and the digest is renewed
    # (webhooks.services.webhook_secret_verify).
    RENEW = "renew"


def webhook_secret_verdict(*, instance_id: int, secret: str) -> SecretVerdict:
    """Whether ``secret`` opens this instance's webhook URL.

    One indexed read of one short column and a keyed hash of what was sent, compared in
    constant time (``hmac.compare_digest``): no decrypt per request.
    """
    stored = (
        Instance.objects.filter(pk=instance_id)
        .values_list("webhook_secret_digest", flat=True)
        .first()
    )
    given = webhook_secret_digest(secret)
    if hmac.compare_digest((stored or _DUMMY_DIGEST).encode(), given.encode()):
        return SecretVerdict.OPEN if stored else SecretVerdict.CLOSED
    if stored is None:
        return SecretVerdict.CLOSED
    if stored and not any(
        hmac.compare_digest(stored.encode(), webhook_secret_digest(secret, key).encode())
        for key in settings.SECRET_KEY_FALLBACKS
    ):
        return SecretVerdict.CLOSED
    return SecretVerdict.RENEW
