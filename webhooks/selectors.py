"""Reads of the webhooks app."""

from __future__ import annotations

import hmac

from instances.models import Instance

# Compared against when the instance does not exist, so an unknown id costs about the same
# time as a wrong secret.
_DUMMY_SECRET = "x" * 43


def instance_id_for_webhook(*, instance_id: int, secret: str) -> int | None:
    """The instance's id when ``secret`` is its webhook secret, else None.

    One indexed read of one column; the secret is decrypted on load and compared in
    constant time (``hmac.compare_digest``).
    """
    stored = (
        Instance.objects.filter(pk=instance_id).values_list("webhook_secret", flat=True).first()
    )
    expected = str(stored) if stored else _DUMMY_SECRET
    matches = hmac.compare_digest(expected.encode(), secret.encode())
    return instance_id if stored and matches else None
