"""The phone normaliser over what people really type (Brazilian habits first)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from messaging.phones import (
    PhoneProblem,
    RecipientKind,
    chat_id_clean,
    chat_id_normalize,
    recipient_normalize,
)

VALID = [
    ("(11) 98765-4321", "5511987654321"),
    ("+55 11 98765 4321", "5511987654321"),
    ("+55 (11) 98765-4321", "5511987654321"),
    ("011 98765-4321", "5511987654321"),  # trunk 0 before the DDD
    ("0xx11 98765-4321", "5511987654321"),
    ("5511987654321", "5511987654321"),  # already Z-API's digits
    ("55 11 8765-4321", "5511987654321"),  # old 8-digit mobile: the ninth digit added
    ("11 8765-4321", "5511987654321"),
    # The spec's own example ("Contacts > Number with WhatsApp?")
    ("554499999999", "5544999999999"),
    ("(11) 3456-7890", "551134567890"),  # a landline stays 8 digits
    ("55 21 3456 7890", "552134567890"),
    ("012 98765-4321", "5512987654321"),
    ("+1 415 555 2671", "14155552671"),
    ("14155552671", "14155552671"),  # another country's code, without the +
    ("+351 912 345 678", "351912345678"),
    ("351912345678", "351912345678"),
    ("00 351 912 345 678", "351912345678"),
    ("0055 11 98765-4321", "5511987654321"),
    ("+44 20 7946 0958", "442079460958"),
    ("  +55 11 98765-4321\t", "5511987654321"),
]

INVALID = [
    ("abc", PhoneProblem.NOT_A_NUMBER),
    ("1-800-FLOWERS", PhoneProblem.NOT_A_NUMBER),
    ("11 98765-4321 ramal 2", PhoneProblem.NOT_A_NUMBER),
    ("someone@example.com", PhoneProblem.NOT_A_NUMBER),
    ("", PhoneProblem.EMPTY),
    ("   ", PhoneProblem.EMPTY),
    ("123", PhoneProblem.TOO_SHORT),
    ("+55 11 1234", PhoneProblem.TOO_SHORT),
    ("1" * 39, PhoneProblem.TOO_LONG),  # the 39-digit "number" compose used to accept
    ("98765-4321", PhoneProblem.NO_AREA_CODE),
    ("3456-7890", PhoneProblem.NO_AREA_CODE),
    ("+999 1234567", PhoneProblem.COUNTRY),
    ("+1 800 356 9377 x123", PhoneProblem.EXTENSION),
    ("+55 11 08765-4321", PhoneProblem.INVALID),
    ("11 2345-678", PhoneProblem.INVALID),
]

PASS_AS_IS = [
    ("120363019502650977-group", RecipientKind.GROUP),
    ("5511999999999-1623281429-group", RecipientKind.GROUP),
    ("123456789012345@lid", RecipientKind.LID),
    ("120363166555745933@newsletter", RecipientKind.CHANNEL),
]


@pytest.mark.parametrize(("typed", "digits"), VALID)
def test_valid_numbers_become_zapi_digits(typed, digits):
    recipient = recipient_normalize(typed)
    assert (recipient.chat_id, recipient.problem, recipient.kind) == (
        digits,
        None,
        RecipientKind.PHONE,
    )


@pytest.mark.parametrize(("typed", "problem"), INVALID)
def test_invalid_numbers_say_why(typed, problem):
    recipient = recipient_normalize(typed)
    assert (recipient.chat_id, recipient.problem) == ("", problem)
    assert recipient.reason == problem.label


@pytest.mark.parametrize(("typed", "kind"), PASS_AS_IS)
def test_group_lid_and_channel_ids_pass_as_they_are(typed, kind):
    recipient = recipient_normalize(typed)
    assert (recipient.chat_id, recipient.kind, recipient.ok) == (typed, kind, True)


def test_chat_id_clean_raises_the_reason():
    assert chat_id_clean("(11) 98765-4321") == "5511987654321"
    with pytest.raises(ValidationError) as error:
        chat_id_clean("abc")
    assert "Not a phone number" in str(error.value)


@pytest.mark.parametrize(
    ("given", "chat_id"),
    [
        ("5511987654321", "5511987654321"),
        (" +55 (11) 8765-4321 ", "551187654321"),  # an old 8-digit id stays 8 digits
        ("120363019502650977-group", "120363019502650977-group"),
        ("12345678901@lid", "12345678901@lid"),
        ("", ""),
    ],
)
def test_chat_id_normalize_keeps_what_whatsapp_gave(given, chat_id):
    assert chat_id_normalize(given) == chat_id


@pytest.mark.parametrize("given", ["5511/evil", "5511?x=1", "abc", "55 11 abc 4321", "a@b/c"])
def test_chat_id_normalize_refuses_what_is_no_chat_id(given):
    # "5511/evil" once came out as "5511": another chat than the one asked for.
    with pytest.raises(ValidationError) as error:
        chat_id_normalize(given)
    assert "is not a chat id" in str(error.value)


def test_the_plain_brazilian_shortcut_agrees_with_the_full_parse(monkeypatch):
    """The shortcut for plain Brazilian digits (``+55``, a trunk ``0``, ``55``) must give what
    phonenumbers' own parse gives, for valid and invalid values alike."""
    import random

    from messaging import phones

    rng = random.Random(12)
    values = []
    for _ in range(3_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(8, 14)))
        prefix = rng.choice(["", "+55", "0", "+55 0", "55", "+", "00", "0xx", "(0"])
        values.append(prefix + rng.choice(["", " ", "-", ") "]) + digits)
        a, b = rng.randint(0, 9999), rng.randint(0, 9999)
        values.append(f"0{rng.randint(10, 99)} 9{a:04d}-{b:04d}")
        values.append(f"+55 {rng.randint(10, 99)} {rng.randint(2, 9)}{rng.randint(0, 9999):04d}")
    shortcut = [phones.recipient_normalize.__wrapped__(v) for v in values]
    assert sum(phones._plain_brazilian(v) is not None for v in values) > 1_000  # it is used
    monkeypatch.setattr(phones, "_plain_brazilian", lambda text: None)
    parsed = [phones.recipient_normalize.__wrapped__(v) for v in values]
    assert [(r.chat_id, r.problem) for r in shortcut] == [(r.chat_id, r.problem) for r in parsed]
