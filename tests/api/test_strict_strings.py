"""A number where the schema says string is a 400, not text (DRF's own text fields take 5 for
"5"; schemathesis found POST /api/lists/ storing {"name": -1891})."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from api.fields import CharField, EmailField, ModelSerializer, RegexField, URLField
from messaging.models import Contact, ContactList

NOT_STRINGS = [5, -1891, 1.5, True, [], {}]


@pytest.mark.parametrize(
    ("field", "good"),
    [
        (CharField(), "5"),
        (RegexField(r"^\d+$"), "5"),
        (URLField(), "https://example.com/a"),
        (EmailField(), "ana@example.com"),
    ],
    ids=["char", "regex", "url", "email"],
)
@pytest.mark.parametrize("value", NOT_STRINGS, ids=repr)
def test_a_strict_text_field_refuses_what_is_not_a_string(field, good, value):
    with pytest.raises(serializers.ValidationError):
        field.run_validation(value)
    assert field.run_validation(good) == good


def test_drf_s_own_field_would_take_the_number():
    # What the strict fields are for: without them this is stored as "5".
    assert serializers.CharField().run_validation(5) == "5"


def test_a_model_serializer_s_text_columns_are_strict():
    class ContactIn(ModelSerializer[Contact]):
        class Meta:
            model = Contact
            fields = ["name", "phone"]

    form = ContactIn(data={"name": 5, "phone": 5511999998888})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "phone"}
    assert isinstance(ContactIn().fields["name"], CharField)


@pytest.mark.django_db
def test_a_list_named_by_a_number_is_a_400_and_nothing_is_stored(api):
    response = api.post("/api/lists/", {"name": -1891}, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["detail"]) == ("name", "Not a valid string.")
    assert not ContactList.objects.exists()


@pytest.mark.django_db
def test_a_contact_named_by_a_number_is_a_400(api):
    response = api.post("/api/contacts/", {"phone": "5511999998888", "name": 7}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "name"
    assert not Contact.objects.exists()
