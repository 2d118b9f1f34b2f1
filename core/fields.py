"""An encrypted text field for secrets at rest (tokens, webhook secrets)."""

from __future__ import annotations

from typing import Any

from django.db import models

from core import crypto
from core.secrets import Secret


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; gives back a :class:`core.secrets.Secret`.

    Ciphertext is random, so these columns cannot be filtered, ordered or made unique on.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Secret | None:
        if value is None or value == "":
            return Secret(value) if value == "" else None
        return Secret(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Secret):
            return value
        return Secret(str(value))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        # dumpdata and serializers: keep the ciphertext, never the plain secret.
        return str(self.get_prep_value(self.value_from_object(obj)))


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
