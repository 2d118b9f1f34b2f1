from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from partners.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser


class PartnerQuerySet(models.QuerySet["Partner"]):
    def for_user(self, user: AbstractUser | AnonymousUser) -> PartnerQuerySet:
        from partners.scoping import sees_every_partner

        if sees_every_partner(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user_id=int(user.pk)).distinct()


class Partner(models.Model):
    """The tenant: a reseller (or our own company) with its instances and people."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    integrator_token = EncryptedTextField(
        _("Z-API integrator token"),
        blank=True,
        help_text=_("The partner's Bearer token for the Z-API integrator API."),
    )
    max_instances = models.PositiveIntegerField(
        _("instance limit"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="one_membership_per_partner")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.partner} · {self.get_role_display()}"
