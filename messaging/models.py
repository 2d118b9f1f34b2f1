from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instances.models import Instance
from messaging.states import PENDING, MessageState
from partners.models import Partner
from partners.scoping import TenantQuerySet


class ContactQuerySet(TenantQuerySet["Contact"]):
    tenant_path = "partner"


class Contact(models.Model):
    """A person on WhatsApp, per partner (so opt-outs hold across the partner's numbers).

    WhatsApp identifies people by phone number and, more and more, by an ``@lid`` id that
    hides the number (``senderLid``/``participantLid`` in webhooks); either may be known.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("Digits with the country code (see messaging.phones)."),
    )
    lid = models.CharField(_("LID"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    photo_url = models.URLField(_("photo"), max_length=1000, blank=True)
    # Personalisation variables ({"city": "Campinas"}), from imports and edits.
    extra = models.JSONField(_("variables"), default=dict, blank=True)
    # WhatsApp's own id for the number when it differs from ``phone`` (an old Brazilian
    # account without the ninth digit): ``outputPhone`` of phone-exists-batch (spec 001
    # "Contacts > Number with WhatsApp?"). Blank: write to ``phone``.
    whatsapp_id = models.CharField(_("WhatsApp id"), max_length=20, blank=True)
    has_whatsapp = models.BooleanField(_("has WhatsApp"), null=True, blank=True)
    whatsapp_checked_at = models.DateTimeField(_("WhatsApp checked"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True, db_index=True)
    lists: models.ManyToManyField[ContactList, ContactListMember] = models.ManyToManyField(
        "ContactList", through="ContactListMember", related_name="contacts", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "phone"], condition=~Q(phone=""), name="contact_phone_unique"
            ),
            models.UniqueConstraint(
                fields=["partner", "lid"], condition=~Q(lid=""), name="contact_lid_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.phone or self.lid

    @property
    def chat_id(self) -> str:
        """Where messages to this person go: WhatsApp's id, the phone, or the LID."""
        return self.whatsapp_id or self.phone or self.lid


class ContactListQuerySet(TenantQuerySet["ContactList"]):
    tenant_path = "partner"


class ContactList(models.Model):
    """A static audience: contacts put in by an import, a filter or by hand."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contact_lists")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ContactListQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact list")
        verbose_name_plural = _("contact lists")
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="contact_list_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ContactListMember(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact_list", "contact"], name="list_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.contact_list_id}"


class ConsentSource(models.TextChoices):
    """Who or what changed a contact's consent (the consent history's source column)."""

    OPERATOR = "operator", _("An operator")
    KEYWORD = "keyword", _("The contact wrote an opt-out keyword")
    WROTE_AGAIN = "wrote_again", _("The contact wrote to us again")
    BLOCK = "block", _("The contact blocked the number")
    IMPORT = "import", _("An import")
    API = "api", _("The API")
    CAMPAIGN = "campaign", _("A campaign's opt-out answer")
    ERASE = "erase", _("Erased at the person's request")


class ConsentChangeQuerySet(TenantQuerySet["ConsentChange"]):
    tenant_path = "contact__partner"


class ConsentChange(models.Model):
    """One opt-out or opt-in of a contact, kept for good (the consent history)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consent_changes")
    opted_out = models.BooleanField(_("opted out"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    instance = models.ForeignKey(
        Instance, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsentChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent change")
        verbose_name_plural = _("consent history")
        indexes = [models.Index(fields=["contact", "-at"])]

    def __str__(self) -> str:
        verb = _("opted out") if self.opted_out else _("opted in")
        return f"{verb} · {self.get_source_display()}"


class ErasedRecipient(models.Model):
    """What is left of an erased contact (LGPD): a keyed hash of its number, so it is never
    written to again, and nothing that names the person."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    number_hash = models.CharField(max_length=64)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "number_hash"], name="erased_once")
        ]

    def __str__(self) -> str:
        return f"erased · {self.erased_at:%Y-%m-%d}"


DEFAULT_OPT_OUT_KEYWORDS = ["SAIR", "PARAR", "STOP", "CANCELAR", "DESCADASTRAR"]
DEFAULT_OPT_OUT_LINES = {"pt-br": "Responda SAIR para não receber mais"}


def _default_keywords() -> list[str]:
    return list(DEFAULT_OPT_OUT_KEYWORDS)


def _default_lines() -> dict[str, str]:
    return dict(DEFAULT_OPT_OUT_LINES)


class MessagingSettingsQuerySet(TenantQuerySet["MessagingSettings"]):
    tenant_path = "partner"


class MessagingSettings(models.Model):
    """A partner's messaging settings: what stops messages, what campaigns tell people."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, primary_key=True, related_name="messaging_settings"
    )
    opt_out_keywords = models.JSONField(
        _("opt-out keywords"),
        default=_default_keywords,
        help_text=_("A message that is one of these (case and accents ignored) opts out."),
    )
    opt_out_lines = models.JSONField(
        _("opt-out line per language"),
        default=_default_lines,
        help_text=_("The line campaigns add to tell people how to stop, by language code."),
    )

    objects = MessagingSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("messaging settings")
        verbose_name_plural = _("messaging settings")

    def __str__(self) -> str:
        return str(self.partner)


class Direction(models.TextChoices):
    OUTBOUND = "out", _("Outbound")
    INBOUND = "in", _("Inbound")


class MessageKind(models.TextChoices):
    """What a message carries; the ``send-*`` endpoints and the ``ReceivedCallback`` kinds."""

    TEXT = "text", _("Text")
    IMAGE = "image", _("Image")
    STICKER = "sticker", _("Sticker")
    GIF = "gif", _("GIF")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    PTV = "ptv", _("Video note")
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Link")
    LOCATION = "location", _("Location")
    CONTACT = "contact", _("Contact card")
    BUTTONS = "buttons", _("Buttons")
    OPTION_LIST = "option_list", _("Option list")
    BUTTON_REPLY = "button_reply", _("Button reply")
    LIST_REPLY = "list_reply", _("List reply")
    POLL = "poll", _("Poll")
    POLL_VOTE = "poll_vote", _("Poll vote")
    REACTION = "reaction", _("Reaction")
    PRODUCT = "product", _("Product")
    CATALOG = "catalog", _("Catalog")
    ORDER = "order", _("Order")
    EVENT = "event", _("Event")
    CALL = "call", _("Call")
    EDIT = "edit", _("Edit")
    REVOKE = "revoke", _("Deleted message")
    NOTIFICATION = "notification", _("Notification")
    OTHER = "other", _("Other")


class HoldReason(models.TextChoices):
    """Why a queued message waits (shown on our queue page). Instance-wide reasons (paced,
    paused, disconnected) are computed from the pacer and the instance; only the ones that
    belong to one message are stored on it."""

    NONE = "", _("—")
    DAILY_CAP = "daily_cap", _("Daily cap on new recipients reached")
    RETRY = "retry", _("Waiting to retry")
    NOT_CONNECTED = "not_connected", _("Z-API said the number is not connected")
    CAMPAIGN = "campaign", _("Held by its campaign (paused, outside its window)")


class MessageQuerySet(TenantQuerySet["Message"]):
    tenant_path = "instance__partner"


class Message(models.Model):
    """One WhatsApp message, either direction. Outbound rows are written ``queued`` by a
    service and moved forward by the dispatcher and the webhooks, never backward."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.TEXT)
    # The chat: a phone number (digits), a group id ("...-group") or an ``@lid``.
    chat_id = models.CharField(_("chat"), max_length=100)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # Outbound: the body sent to ``send-*``. Inbound: the webhook's message content.
    payload = models.JSONField(default=dict, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("What a person reads."))
    from_me = models.BooleanField(default=False)

    state = models.CharField(
        max_length=12, choices=MessageState.choices, default=MessageState.QUEUED
    )
    zaap_id = models.CharField(max_length=100, blank=True)
    message_id = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(
        null=True, blank=True, help_text=_("Do not send before this time (retries, schedules).")
    )
    # Outbound: which ``zapi.ENDPOINTS`` row sends it and its path parameters (the document's
    # ``{extension}``); the body is ``payload``.
    endpoint = models.CharField(max_length=40, blank=True)
    endpoint_path = models.JSONField(default=dict, blank=True)
    hold_reason = models.CharField(max_length=20, blank=True, choices=HoldReason.choices)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    played_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    uncertain_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["instance", "chat_id", "created_at"]),
            models.Index(fields=["instance", "state", "not_before"]),
            models.Index(fields=["instance", "zaap_id"]),
            # "Our queue" of every instance (the fleet list's count and sort): only the
            # waiting messages are in it, however many were ever sent.
            models.Index(
                fields=["instance"],
                condition=Q(state__in=sorted(PENDING)),
                name="message_pending_by_instance",
            ),
        ]
        constraints = [
            # A webhook repeated or a message seen twice can never make two rows.
            models.UniqueConstraint(
                fields=["instance", "message_id"],
                condition=~Q(message_id=""),
                name="message_id_unique_per_instance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.get_kind_display()} · {self.chat_id}"


class InstancePacer(models.Model):
    """The pace of one number and the state of its global pacer: one row per instance.

    Why a database row and not Redis or Celery's ``rate_limit``: ``rate_limit`` is per worker
    (N workers send N times too fast), and a Redis-only pacer does not exist on the embedded
    defaults (SQLite + filesystem broker). A conditional UPDATE on this row is atomic on both
    PostgreSQL and SQLite, holds across any number of processes and hosts, and costs two
    small writes per message, far below what one database does per second. See
    ``messaging.pacer``.
    """

    instance = models.OneToOneField(
        Instance, on_delete=models.CASCADE, primary_key=True, related_name="pacer"
    )
    min_gap_seconds = models.FloatField(
        _("minimum gap (s)"),
        help_text=_("Shortest time between two sends of this number."),
    )
    max_gap_seconds = models.FloatField(
        _("maximum gap (s)"),
        help_text=_("Longest time between two sends; each gap is drawn at random in between."),
    )
    daily_new_recipients = models.PositiveIntegerField(
        _("daily cap on new recipients"),
        help_text=_("Distinct chats never talked to before that this number may reach per day."),
    )
    paused = models.BooleanField(_("paused by an operator"), default=False)
    # Since when the number is paired: the warm-up ramp counts its age from here
    # (messaging.campaigns.warmup). Filled from its first connected probe when first needed;
    # an operator may set it earlier for a number matured elsewhere.
    paired_at = models.DateTimeField(_("paired since"), null=True, blank=True)

    # Nobody may start a send before this time. Claimed with a conditional UPDATE.
    next_slot_at = models.DateTimeField(default=timezone.now)
    # Set while a worker holds the slot (its send is in flight); blank when free.
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    leased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a dispatch task is already scheduled to run (so kicks do not pile up tasks).
    wake_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("pace")
        verbose_name_plural = _("paces")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_gap_seconds__gte=0) & Q(max_gap_seconds__gte=F("min_gap_seconds")),
                name="pacer_gap_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instance} · {self.min_gap_seconds:g}-{self.max_gap_seconds:g} s"


class DispatchLane(models.Model):
    """One of the dispatcher's rounds that may run at once (``MESSAGING_DISPATCH_LANES`` of
    the rows, created on first use). A round holds its lane with a lease on the database's
    clock, so kicks cannot pile up rounds and a round killed with ``kill -9`` frees its lane
    when the lease runs out. See ``messaging.rounds``."""

    number = models.PositiveSmallIntegerField(primary_key=True)
    lease_until = models.DateTimeField()
    token = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"lane {self.number}"


class NewRecipient(models.Model):
    """A chat this number reached for the first time, on that day: the daily cap counts these.

    Written by the dispatcher while it holds the instance's pacer lease, so two workers can
    never both take the last place under the cap; the unique constraint is the backstop.
    """

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="+")
    chat_id = models.CharField(max_length=100)
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance", "chat_id"], name="new_recipient_once"),
        ]
        indexes = [models.Index(fields=["instance", "day"])]

    def __str__(self) -> str:
        return f"{self.chat_id} · {self.day}"


class ImportState(models.TextChoices):
    MAPPING = "mapping", _("Waiting for its columns")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ContactImportQuerySet(TenantQuerySet["ContactImport"]):
    tenant_path = "partner"


class ContactImport(models.Model):
    """One spreadsheet imported into a partner's contact book: its columns, its progress
    and its report (created, updated, unchanged, invalid rows with their reasons)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    stored_path = models.CharField(max_length=300)
    # Column index (as text) → "phone", "name", "opt_out", "var:<name>" or "" (ignored).
    mapping = models.JSONField(default=dict, blank=True)
    contact_list = models.ForeignKey(
        ContactList, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports",
        verbose_name=_("list"),
    )  # fmt: skip
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.MAPPING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ContactImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.state == ImportState.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


# Campaign models live next to their rules (messaging/campaigns/); imported here so Django
# finds them in the messaging app.
from messaging.campaigns.models import (  # noqa: E402
    Campaign,
    CampaignRecipient,
    CampaignSender,
    CampaignVariant,
)

__all__ = [
    "Campaign",
    "CampaignRecipient",
    "CampaignSender",
    "CampaignVariant",
    "Contact",
    "InstancePacer",
    "Message",
    "NewRecipient",
]
