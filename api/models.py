"""API keys and the answers kept for ``Idempotency-Key`` replays.

An API key belongs to a partner and acts there with one role (the capability table in
``partners.roles`` decides what it may do), or to one staff person and acts as that person.
Only a hash of the key is stored (djangorestframework-api-key's SHA-512 hasher for
high-entropy keys); the key itself is shown once, when it is created.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from partners.models import Partner
from partners.roles import Role
from partners.scoping import TenantQuerySet


class ApiKeyQuerySet(TenantQuerySet["ApiKey"]):
    tenant_path = "partner"

    def usable(self) -> ApiKeyQuerySet:
        now = timezone.now()
        return self.filter(revoked=False).filter(
            Q(expiry_date__isnull=True) | Q(expiry_date__gt=now)
        )


class ApiKeyManager(BaseAPIKeyManager.from_queryset(ApiKeyQuerySet)):  # type: ignore[misc]
    def assign_key(self, obj: Any) -> str:
        # The library makes the primary key "<prefix>.<hash>"; ours is a plain integer, so
        # neither the hash nor the prefix ends up in a URL.
        key, prefix, hashed_key = self.key_generator.generate()
        obj.prefix = prefix
        obj.hashed_key = hashed_key
        return str(key)


class ApiKey(AbstractAPIKey):
    id = models.BigAutoField(primary_key=True)  # type: ignore[assignment]
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("partner"),
    )
    role = models.CharField(
        _("acts as"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("What the key may do at its partner, as the capability table says."),
    )
    # A staff person's own key: acts as that person (every partner).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("person"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiKeyManager()  # type: ignore[misc]

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")  # type: ignore[assignment]
        verbose_name_plural = _("API keys")  # type: ignore[assignment]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False) & ~Q(role="") & Q(user__isnull=True))
                | (Q(partner__isnull=True) & Q(role="") & Q(user__isnull=False)),
                name="api_key_partner_with_role_or_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentAnswer(models.Model):
    """The answer to a POST sent with an ``Idempotency-Key``: a retry gets it again instead
    of doing the work twice. Written in the same transaction as the work itself, so the
    unique constraint makes a concurrent retry wait for the first and then replay it."""

    # Whose key space: "key:<id>" for an API key, "user:<id>" for a person.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    # What was asked (method, path, body hash): the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotent_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.key}"
