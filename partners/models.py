from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from partners.roles import Role
from partners.scoping import TenantQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser


class PartnerQuerySet(models.QuerySet["Partner"]):
    def for_user(self, user: AbstractUser | AnonymousUser) -> PartnerQuerySet:
        from partners.scoping import partner_ids_for, sees_every_partner

        if sees_every_partner(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=partner_ids_for(user))


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
    # Spec 001, "Partners > First token": the first integrator token creates 25 instances; the
    # definitive one has no limit. Z-API counts what the token created, so deleted instances count
    # too.
    number_registration_token = EncryptedTextField(
        _("number registration access token"),
        blank=True,
        help_text=_(
            "Bearer token of the number-registration API (spec 003). Empty: the integrator "
            "token is used (as the sandbox does)."
        ),
    )
    first_token = models.BooleanField(
        _("first integrator token"),
        default=True,
        help_text=_(
            "Z-API's first integrator token creates at most 25 instances; untick once Z-API "
            "has issued the definitive token."
        ),
    )
    instance_price = models.DecimalField(
        _("price per instance"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What Z-API charges this partner per subscribed instance on each invoice."),
    )
    auto_subscribe = models.BooleanField(
        _("subscribe trials automatically"),
        default=False,
        help_text=_("Subscribe each trial instance shortly before its trial ends."),
    )
    # The last reconciliation with Z-API's instance list (partners.sync.SyncReport, no tokens).
    last_sync = models.JSONField(default=dict, blank=True, editable=False)
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


class CustomerQuerySet(TenantQuerySet["Customer"]):
    tenant_path = "partner"


class Customer(models.Model):
    """A reseller's end customer: instances belong to one, invoices break down by them."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="customers", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=120)
    resale_price = models.DecimalField(
        _("resale price per instance"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the partner charges this customer per instance; empty if not resold."),
    )
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "name"], name="one_customer_name_per_partner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationMethod(models.IntegerChoices):
    """How the 6-digit code comes (spec 003 ``method``): SMS is the more stable."""

    SMS = 1, _("SMS")
    VOICE = 2, _("Voice call")


class RegisteredNumberState(models.TextChoices):
    CODE_REQUESTED = "code_requested", _("Waiting for the code")
    VERIFIED = "verified", _("Verified, waiting for an account")
    FAILED = "failed", _("Refused")
    EXPIRED = "expired", _("Expired (register again)")
    USED = "used", _("Used by an instance")


class RegisteredNumberQuerySet(TenantQuerySet["RegisteredNumber"]):
    tenant_path = "partner"


class RegisteredNumber(models.Model):
    """A new number registered with the number-registration API (spec 003): code requested,
    then verified; it waits 90 days for an account to be created with it."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="numbers", verbose_name=_("partner")
    )
    whatsapp = models.CharField(_("number"), max_length=15)
    method = models.PositiveSmallIntegerField(
        _("code by"), choices=RegistrationMethod.choices, default=RegistrationMethod.SMS
    )
    language = models.CharField(_("language"), max_length=5, default="en")
    comment = models.CharField(_("comment"), max_length=100, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RegisteredNumberState.choices,
        default=RegisteredNumberState.CODE_REQUESTED,
    )
    # Spec 003: no more than 3 code requests, or Facebook blocks the number for 1 hour.
    code_requests = models.PositiveSmallIntegerField(_("code requests"), default=0)
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_request_at = models.DateTimeField(_("last code request"), null=True, blank=True)
    last_reason = models.CharField(_("last answer"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    instance = models.ForeignKey(
        "instances.Instance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instance"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RegisteredNumberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registered number")
        verbose_name_plural = _("registered numbers")
        constraints = [
            models.UniqueConstraint(fields=["partner", "whatsapp"], name="one_number_per_partner")
        ]

    def __str__(self) -> str:
        return f"+{self.whatsapp}"
