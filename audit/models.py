"""Who did what, when, to which object, from where: one row per sensitive action."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.scoping import TenantQuerySet


class AuditAction(models.TextChoices):
    """Every action the log records; callers pass one of these to ``audit_record``."""

    INSTANCE_PAIR = "instance.pair", _("Pairing started")
    INSTANCE_RESTART = "instance.restart", _("Instance restarted")
    INSTANCE_DISCONNECT = "instance.disconnect", _("Phone disconnected")
    INSTANCE_SETTINGS = "instance.settings", _("Settings changed")
    INSTANCE_WEBHOOKS = "instance.webhooks", _("Webhooks changed")
    INSTANCE_PROVISION = "instance.provision", _("Instance created")
    INSTANCE_SUBSCRIBE = "instance.subscribe", _("Instance subscribed")
    INSTANCE_CANCEL = "instance.cancel", _("Instance cancelled")
    ZAPI_QUEUE_DELETE = "zapi_queue.delete", _("Z-API queue message(s) deleted")
    MESSAGE_CANCEL = "message.cancel", _("Message cancelled")
    MESSAGE_RETRY = "message.retry", _("Message retried")
    PACE_CHANGE = "pace.change", _("Pace changed")
    CAMPAIGN_START = "campaign.start", _("Campaign started")
    CAMPAIGN_PAUSE = "campaign.pause", _("Campaign paused")
    CAMPAIGN_RESUME = "campaign.resume", _("Campaign resumed")
    CAMPAIGN_CANCEL = "campaign.cancel", _("Campaign cancelled")
    WEBHOOK_REPLAY = "webhook.replay", _("Webhook event(s) replayed")
    CONTACT_OPT_OUT = "contact.opt_out", _("Contact opted out by an operator")
    CONTACT_OPT_IN = "contact.opt_in", _("Contact opted in again by an operator")
    CONTACT_ERASE = "contact.erase", _("Contact erased (LGPD)")
    MEMBER_INVITE = "member.invite", _("Member invited")
    MEMBER_ROLE = "member.role", _("Member's role changed")
    MEMBER_REMOVE = "member.remove", _("Member removed")
    LOGIN_LOCKOUT = "login.lockout", _("Login locked out")
    LOGIN_UNLOCK = "login.unlock", _("Login unlocked")
    TWO_FACTOR_CODES = "two_factor.codes", _("Backup codes regenerated")
    TWO_FACTOR_OFF = "two_factor.off", _("Two-factor authentication turned off")
    LABEL_CREATE = "label.create", _("Label created")
    LABEL_EDIT = "label.edit", _("Label renamed or recoloured")
    LABEL_DELETE = "label.delete", _("Label deleted")
    CHAT_LABEL = "chat.label", _("Chats labelled or unlabelled")
    PRODUCT_CREATE = "product.create", _("Product created")
    PRODUCT_EDIT = "product.edit", _("Product edited")
    PRODUCT_DELETE = "product.delete", _("Product deleted")
    COLLECTION_CREATE = "collection.create", _("Collection created")
    COLLECTION_RENAME = "collection.rename", _("Collection renamed")
    COLLECTION_DELETE = "collection.delete", _("Collection deleted")
    COLLECTION_PRODUCTS = "collection.products", _("Products added to or removed from a collection")
    CATALOG_SETTINGS = "catalog.settings", _("Catalog settings changed")
    COMPANY_PROFILE = "company_profile.change", _("Company profile changed")
    BUSINESS_COPY = "business.copy", _("Copy to other numbers started")
    BUSINESS_COPY_DONE = "business.copy_done", _("Copy to other numbers finished")


class AuditEntryQuerySet(TenantQuerySet["AuditEntry"]):
    tenant_path = "partner"


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the login is deleted: the log still says who it was.
    actor_name = models.CharField(_("person"), max_length=150, blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    instance = models.ForeignKey(
        "instances.Instance",
        verbose_name=_("instance"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["partner", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
