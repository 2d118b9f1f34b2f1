"""Who we may write to, and every change of a contact's consent.

``recipients_refusals`` is the one answer to "may we write to this recipient?": compose, the
API and campaigns all ask it, so no path sends to an invalid number, an opted-out contact (on
any number of the partner: spec 001, "Introduction > 2. Message Content and Sensitive Keywords",
always honour "stop") or an erased one. Opt-outs and opt-ins go through ``contact_opt_out`` /
``contact_opt_in``, which keep the consent history.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.models import (
    DEFAULT_OPT_OUT_KEYWORDS,
    DEFAULT_OPT_OUT_LINES,
    ConsentChange,
    ConsentSource,
    Contact,
    ErasedRecipient,
    MessagingSettings,
)
from messaging.phones import RecipientKind, recipient_normalize


class RefusalCode(models.TextChoices):
    INVALID = "invalid", gettext_lazy("Invalid number")
    OPTED_OUT = "opted_out", gettext_lazy("Opted out")
    ERASED = "erased", gettext_lazy("Erased")


@dataclass(frozen=True)
class Refusal:
    """Why a recipient must not be written to: ``code`` for programs, ``reason`` in words."""

    code: RefusalCode
    reason: str
    contact_id: int | None = None


# -- settings ------------------------------------------------------------------------------


def messaging_settings_get(*, partner_id: int) -> MessagingSettings:
    """The partner's settings; an unsaved row with the defaults when never edited (a read
    on every inbound message must not write)."""
    row = MessagingSettings.objects.filter(partner_id=partner_id).first()
    return row or MessagingSettings(partner_id=partner_id)


def opt_out_line(*, partner_id: int, language: str = "pt-br", answer: str = "") -> str:
    """The line a campaign adds to say how to stop, in ``language`` (falls back to pt-BR);
    with a campaign's own ``answer`` ("2"), the line that names it."""
    if answer.strip():
        with translation.override(language):
            return _("Reply %(answer)s to stop receiving these messages") % {
                "answer": answer.strip()
            }
    lines = messaging_settings_get(partner_id=partner_id).opt_out_lines or {}
    language = language.lower()
    return (
        lines.get(language)
        or lines.get(language.split("-")[0])
        or lines.get("pt-br")
        or DEFAULT_OPT_OUT_LINES["pt-br"]
    )


def keyword_fold(text: str) -> str:
    """``text`` as keywords are compared: no accents, no case, no punctuation around it."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().strip(" \t\r\n.!?,;:\"'()[]*_~-")


def opt_out_keyword(*, partner_id: int, text: str, extra: Iterable[str] = ()) -> str | None:
    """The opt-out keyword ``text`` is (case and accents ignored), or None. ``extra`` adds
    keywords of the moment (a campaign's own "reply 2 to stop")."""
    folded = keyword_fold(text or "")
    if not folded or len(folded) > 40:
        return None
    keywords = messaging_settings_get(partner_id=partner_id).opt_out_keywords
    for keyword in [*(keywords or DEFAULT_OPT_OUT_KEYWORDS), *extra]:
        if keyword_fold(str(keyword)) == folded:
            return str(keyword)
    return None


# -- erased numbers ------------------------------------------------------------------------


def number_hashes(*, partner_id: int, number: str) -> list[str]:
    """Keyed hashes of an erased number, with the current secret key first and the
    fallbacks after (so a key rotation keeps old blocks). Keyed, because a plain hash of a
    phone number is reversed by trying every number."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    message = f"erased:{partner_id}:{number}".encode()
    return [hmac.new(str(k).encode(), message, hashlib.sha256).hexdigest() for k in keys]


# -- the check -----------------------------------------------------------------------------


def _when(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def _opted_out_reason(contact: Contact, change: ConsentChange | None) -> str:
    who = contact.name or contact.phone or contact.lid
    assert contact.opted_out_at is not None
    if change is None:
        return _("%(who)s opted out on %(when)s.") % {
            "who": who,
            "when": _when(contact.opted_out_at),
        }
    detail = f" ({change.reason})" if change.reason else ""
    return _("%(who)s opted out on %(when)s: %(source)s%(detail)s.") % {
        "who": who,
        "when": _when(change.at),
        "source": change.get_source_display().lower(),
        "detail": detail,
    }


def recipients_refusals(*, partner_id: int, values: Iterable[str]) -> dict[str, Refusal]:
    """Which of these recipients (as typed, or chat ids) the partner must not write to, and
    why; the ones absent from the answer may be written to. Three reads whatever the count."""
    refusals: dict[str, Refusal] = {}
    by_chat: dict[str, list[str]] = {}
    for value in values:
        recipient = recipient_normalize(value)
        if not recipient.ok:
            refusals[value] = Refusal(RefusalCode.INVALID, recipient.reason)
        elif recipient.kind in (RecipientKind.PHONE, RecipientKind.LID):
            by_chat.setdefault(recipient.chat_id, []).append(value)
    if not by_chat:
        return refusals
    chats = list(by_chat)
    phones = [c for c in chats if c.isdigit()]
    lids = [c for c in chats if not c.isdigit()]
    opted_out = list(
        Contact.objects.filter(
            Q(phone__in=phones) | Q(whatsapp_id__in=phones) | Q(lid__in=lids),
            partner_id=partner_id,
            opted_out_at__isnull=False,
        )
    )
    last_change: dict[int, ConsentChange] = {}
    for change in ConsentChange.objects.filter(
        contact__in=[c.pk for c in opted_out], opted_out=True
    ).order_by("contact_id", "-at", "-pk"):
        last_change.setdefault(change.contact_id, change)
    for contact in opted_out:
        refusal = Refusal(
            RefusalCode.OPTED_OUT,
            _opted_out_reason(contact, last_change.get(contact.pk)),
            contact.pk,
        )
        for key in {contact.phone, contact.whatsapp_id, contact.lid} - {""}:
            for value in by_chat.get(key, []):
                refusals[value] = refusal
    hashes = {h: chat for chat in phones for h in number_hashes(partner_id=partner_id, number=chat)}
    erased = ErasedRecipient.objects.filter(partner_id=partner_id, number_hash__in=list(hashes))
    for number_hash in erased.values_list("number_hash", flat=True):
        for value in by_chat[hashes[number_hash]]:
            refusals[value] = Refusal(
                RefusalCode.ERASED,
                _("This person's data was erased at their request: never write to them."),
            )
    return refusals


def recipient_refusal(*, partner_id: int, value: str) -> Refusal | None:
    """``recipients_refusals`` for one recipient: None when we may write to it."""
    return recipients_refusals(partner_id=partner_id, values=[value]).get(value)


# -- changes -------------------------------------------------------------------------------


def contacts_consent_set(
    *,
    contact_ids: Iterable[int],
    opted_out: bool,
    source: ConsentSource,
    reason: str = "",
    user: Any = None,
    instance_id: int | None = None,
    at: datetime | None = None,
) -> list[int]:
    """Opt these contacts out (of every number of their partner) or back in, and keep one
    consent-history row for each that changed. Contacts already so change nothing and
    record nothing. Returns the ids that changed. The rows are locked, so two opt-outs
    racing (a keyword and an operator) record one change."""
    at = at or timezone.now()
    with transaction.atomic():
        changing = list(
            Contact.objects.select_for_update()
            .filter(pk__in=list(contact_ids), opted_out_at__isnull=opted_out)
            .values_list("pk", flat=True)
        )
        if not changing:
            return []
        Contact.objects.filter(pk__in=changing).update(
            opted_out_at=at if opted_out else None, updated_at=timezone.now()
        )
        who = user if getattr(user, "pk", None) else None
        ConsentChange.objects.bulk_create(
            ConsentChange(
                contact_id=pk,
                opted_out=opted_out,
                source=source,
                reason=reason[:500],
                user=who,
                instance_id=instance_id,
                at=at,
            )
            for pk in changing
        )
    return changing


def contact_opt_out(*, contact: Contact, source: ConsentSource, **change: Any) -> bool:
    """Opt one contact out; whether it changed (see ``contacts_consent_set``)."""
    changed = contacts_consent_set(
        contact_ids=[contact.pk], opted_out=True, source=source, **change
    )
    if changed:
        contact.opted_out_at = Contact.objects.values_list("opted_out_at", flat=True).get(
            pk=contact.pk
        )
    return bool(changed)


def contact_opt_in(*, contact: Contact, source: ConsentSource, reason: str, **change: Any) -> bool:
    """Opt one contact back in. Someone must say why: the operator's reason, or the
    contact's own message when it wrote to us again."""
    if not reason.strip():
        raise ValidationError(_("Say why this contact may be written to again."))
    changed = contacts_consent_set(
        contact_ids=[contact.pk], opted_out=False, source=source, reason=reason, **change
    )
    if changed:
        contact.opted_out_at = None
    return bool(changed)


# Opt-outs the person made themselves, which they undo by writing to us again. An operator's
# or an import's opt-out (a complaint, a legal request) waits for an operator to undo it.
SELF_SERVICE_SOURCES = frozenset(
    {ConsentSource.KEYWORD, ConsentSource.BLOCK, ConsentSource.CAMPAIGN}
)


def inbound_consent(
    *,
    contact: Contact,
    text: str,
    instance_id: int,
    at: datetime,
    written: bool,
    campaign_answer: Callable[[], tuple[str, str] | None] | None = None,
) -> str:
    """What a message the contact sent us in a direct chat does to its consent: an opt-out
    keyword opts out; so does the opt-out answer of the campaign it replies to
    (``campaign_answer`` gives (answer, campaign name), asked only for a short text);
    anything else they ``written`` (a text, a file, a reply, not a reaction or a
    notification) after opting out themselves opts back in. Returns what happened, for
    the event log ("" when nothing did)."""
    keyword = opt_out_keyword(partner_id=contact.partner_id, text=text) if text else None
    if keyword is not None:
        done = contact_opt_out(
            contact=contact, source=ConsentSource.KEYWORD, reason=text.strip()[:100],
            instance_id=instance_id, at=at,
        )  # fmt: skip
        return "opted out (keyword)" if done else ""
    folded = keyword_fold(text or "")
    answered = campaign_answer() if campaign_answer and folded and len(folded) <= 40 else None
    if answered is not None and keyword_fold(answered[0]) == folded:
        done = contact_opt_out(
            contact=contact, source=ConsentSource.CAMPAIGN,
            reason=_("“%(text)s” to campaign %(campaign)s")
            % {"text": text.strip()[:40], "campaign": answered[1]},
            instance_id=instance_id, at=at,
        )  # fmt: skip
        return "opted out (campaign answer)" if done else ""
    if not written or contact.opted_out_at is None or at <= contact.opted_out_at:
        return ""
    last = (
        ConsentChange.objects.filter(contact=contact, opted_out=True).order_by("-at", "-pk").first()
    )
    if last is None or last.source not in SELF_SERVICE_SOURCES:
        return ""
    done = contact_opt_in(
        contact=contact, source=ConsentSource.WROTE_AGAIN, reason=text.strip()[:100],
        instance_id=instance_id, at=at,
    )  # fmt: skip
    return "opted in (wrote again)" if done else ""
