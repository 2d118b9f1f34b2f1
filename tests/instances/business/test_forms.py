"""The business forms read what people type through the one phone normaliser."""

from __future__ import annotations

from instances.business.forms import BulkLabelForm


def _form(chat_ids: str) -> BulkLabelForm:
    return BulkLabelForm({"label": "1", "chat_ids": chat_ids, "on": "add"}, labels=[(1, "Paid")])


def test_bulk_label_form_reads_phones_as_people_write_them():
    form = _form("(11) 98765-4321\n+55 11 98765-4321, 5511977776666\n120363019502650977-group")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["chat_ids"] == [
        "5511987654321", "5511977776666", "120363019502650977-group"
    ]  # fmt: skip


def test_bulk_label_form_names_each_bad_line_and_applies_nothing():
    form = _form("5511987654321\nabc\n123")
    assert not form.is_valid()
    error = form.errors["chat_ids"][0]
    assert error.startswith("Nothing changed. Fix these lines:")
    assert "abc:" in error and "123:" in error and "5511987654321" not in error
