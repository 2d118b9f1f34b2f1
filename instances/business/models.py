"""Our copy of an instance's WhatsApp Business side. Imported by ``instances.models`` so the
app (and its migrations) see these models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from instances.models import Instance
from partners.scoping import TenantQuerySet


class BusinessAccountQuerySet(TenantQuerySet["BusinessAccount"]):
    tenant_path = "instance__partner"


class LabelQuerySet(TenantQuerySet["Label"]):
    tenant_path = "instance__partner"


class ProductQuerySet(TenantQuerySet["Product"]):
    tenant_path = "instance__partner"


class CollectionQuerySet(TenantQuerySet["Collection"]):
    tenant_path = "instance__partner"


class BusinessAccount(models.Model):
    """One per business instance: the label palette, read times, catalog settings and the
    company profile. Z-API has no endpoint that reads the company profile back, so these
    fields are what we last saved there, next to what Z-API answered (``answers``)."""

    instance = models.OneToOneField(
        Instance, on_delete=models.CASCADE, primary_key=True, related_name="business"
    )
    # "business/tags/colors": color index -> "#RRGGBB" (spec 001, "WhatsApp Business > Label cores";
    # varies by platform).
    label_colors = models.JSONField(default=dict, blank=True)
    labels_read_at = models.DateTimeField(_("labels read"), null=True, blank=True)
    catalog_read_at = models.DateTimeField(_("catalog read"), null=True, blank=True)
    cart_enabled = models.BooleanField(_("cart enabled"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    address = models.CharField(_("address"), max_length=256, blank=True)
    websites = models.JSONField(_("websites"), default=list, blank=True)
    # {"timezone": "America/Sao_Paulo", "mode": "specificHours", "days": [{dayOfWeek...}]}
    hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    # [{"id": "...", "label": "...", "displayName": "..."}] as available-categories lists them
    categories = models.JSONField(_("categories"), default=list, blank=True)
    # endpoint name -> {"ok": bool, "text": "...", "at": iso time}: Z-API's last answer.
    answers = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("business account")
        verbose_name_plural = _("business accounts")

    def __str__(self) -> str:
        return str(self.instance)


class Label(models.Model):
    """A WhatsApp Business label of an instance (Z-API: a "tag", ``GET /tags``)."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="labels")
    label_id = models.CharField(_("Z-API id"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    color = models.PositiveSmallIntegerField(_("colour"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at Z-API"))

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.UniqueConstraint(fields=["instance", "label_id"], name="label_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ChatLabelQuerySet(TenantQuerySet["ChatLabel"]):
    tenant_path = "label__instance__partner"


class ChatLabel(models.Model):
    """A label on a chat (``/chats/{phone}/tags/{tag}/add``), as last read or set."""

    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="chats")
    chat_id = models.CharField(_("chat"), max_length=100)
    read_at = models.DateTimeField(_("read at Z-API"))

    objects = ChatLabelQuerySet.as_manager()

    class Meta:
        ordering = ["chat_id"]
        constraints = [
            models.UniqueConstraint(fields=["label", "chat_id"], name="chat_label_once"),
        ]
        indexes = [models.Index(fields=["chat_id"])]

    def __str__(self) -> str:
        return f"{self.chat_id} · {self.label_id}"


# Spec 001, "WhatsApp Business": the create table types ``price`` as an integer, "Preço do
# produto", the read tables as a string, "Product price"; neither says its unit, and the
# examples disagree (20 when creating, "100000" for a mouse when reading). So we neither divide
# nor guess: a price is shown as Z-API's number, labelled so (docs/upstream.md).
PRICE_LABEL = _("%(currency)s %(price)s (Z-API's number)")
PRICE_NOTE = _(
    "Prices are Z-API's own numbers, shown and sent unchanged, in the product's currency. "
    "Z-API's documentation does not say their unit (its examples: 20 when creating a "
    "product, 100000 when reading one), so 100 may mean 100.00 or 1.00: check one product "
    "in WhatsApp."
)


def price_label(currency: str, price: str) -> str:
    """One price in words, e.g. "BRL 100 (Z-API's number)"; "" when Z-API gave none."""
    if not str(price or "").strip():
        return ""
    return str(PRICE_LABEL % {"currency": currency or "", "price": price}).strip()


class Product(models.Model):
    """A product of the instance's catalog (``GET /catalogs``)."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="products")
    product_id = models.CharField(_("Z-API id"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # As Z-API answers them: strings of Z-API's number, unit undocumented (PRICE_NOTE above).
    price = models.CharField(_("price"), max_length=32, blank=True)
    sale_price = models.CharField(_("sale price"), max_length=32, blank=True)
    currency = models.CharField(_("currency"), max_length=8, blank=True)
    images = models.JSONField(_("images"), default=list, blank=True)
    url = models.CharField(_("URL"), max_length=1000, blank=True)
    retailer_id = models.CharField(_("retailer id"), max_length=100, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    availability = models.CharField(_("availability"), max_length=40, blank=True)
    read_at = models.DateTimeField(_("read at Z-API"))

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["instance", "product_id"], name="product_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def price_shown(self) -> str:
        return price_label(self.currency, self.price)

    @property
    def sale_price_shown(self) -> str:
        return price_label(self.currency, self.sale_price)

    @property
    def image(self) -> str:
        return str(self.images[0]) if self.images else ""


class Collection(models.Model):
    """A collection of the catalog. Z-API changes its id whenever products are added or
    removed (spec 001, "WhatsApp Business > Add products to collection"): we keep the id of the last
    answer."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="collections")
    collection_id = models.CharField(_("Z-API id"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=20, blank=True)
    product_ids = models.JSONField(default=list, blank=True)
    read_at = models.DateTimeField(_("read at Z-API"))

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.UniqueConstraint(fields=["instance", "collection_id"], name="collection_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CopyPart(models.TextChoices):
    LABELS = "labels", _("Labels")
    CATALOG = "catalog", _("Catalog (products)")
    PROFILE = "profile", _("Company profile")


class CopyState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class BusinessCopyQuerySet(TenantQuerySet["BusinessCopy"]):
    tenant_path = "source__partner"


class BusinessCopy(models.Model):
    """Copy labels, catalog and/or company profile of one number to others of its partner:
    run by a Celery task, one target at a time, with a report of what each answered."""

    source = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="+")
    parts = models.JSONField(default=list)
    target_ids = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=CopyState.choices, default=CopyState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    # str(target id) -> {"name": ..., "ok": bool, "lines": [{"ok": bool, "text": ...}]}
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BusinessCopyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("business copy")
        verbose_name_plural = _("business copies")

    def __str__(self) -> str:
        return f"{self.source} → {len(self.target_ids)}"

    @property
    def total(self) -> int:
        return len(self.target_ids)
