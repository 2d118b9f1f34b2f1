"""Keys: hashed, scoped to their partner and role, 401 for anything missing or wrong."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiKey
from api.services import api_key_create, api_key_revoke
from partners.roles import Role
from tests.api.conftest import key_client, make_key
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db

LIST = "/api/instances/"


def assert_401(response, code: str) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == code


def test_no_credentials_is_401_with_the_error_shape():
    assert_401(APIClient().get(LIST), "not_authenticated")


def test_unknown_key_is_401(operator_key):
    prefix, _, secret = operator_key.partition(".")
    assert_401(key_client(f"{prefix}.{secret[::-1]}").get(LIST), "authentication_failed")
    assert_401(key_client("nodot").get(LIST), "authentication_failed")


def test_wrong_basic_auth_password_is_401_not_403(operator):
    client = APIClient()
    token = base64.b64encode(b"olga:wrong-password").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    assert_401(client.get(LIST), "authentication_failed")


def test_right_basic_auth_password_still_works(operator, instance):
    client = APIClient()
    token = base64.b64encode(b"olga:pw-for-tests").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    response = client.get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [instance.pk]


def test_revoked_and_expired_keys_are_401(partner, partner_admin):
    api_key, secret = api_key_create(
        by=partner_admin, name="old", partner=partner, role=Role.OPERATOR
    )
    assert key_client(secret).get(LIST).status_code == 200
    assert api_key_revoke(api_key=api_key) is True
    assert api_key_revoke(api_key=api_key) is False
    assert_401(key_client(secret).get(LIST), "authentication_failed")

    expiring, secret2 = api_key_create(
        by=partner_admin,
        name="soon",
        partner=partner,
        role=Role.OPERATOR,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert key_client(secret2).get(LIST).status_code == 200
    ApiKey.objects.filter(pk=expiring.pk).update(expiry_date=timezone.now() - timedelta(1))
    assert_401(key_client(secret2).get(LIST), "authentication_failed")


def test_only_a_hash_is_stored_and_last_use_is_recorded(partner, partner_admin):
    api_key, secret = api_key_create(
        by=partner_admin, name="crm", partner=partner, role=Role.OPERATOR
    )
    row = ApiKey.objects.get(pk=api_key.pk)
    stored = " ".join(str(v) for v in ApiKey.objects.filter(pk=row.pk).values().first().values())
    assert secret.split(".", 1)[1] not in stored
    assert row.hashed_key.startswith("sha512$$")
    assert row.last_used_at is None
    key_client(secret).get(LIST)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_key_sees_only_its_partner(api, instance, foreign_instance):
    rows = api.get(LIST).json()["results"]
    assert [r["id"] for r in rows] == [instance.pk]
    assert api.get(f"{LIST}{foreign_instance.pk}/").status_code == 404


def test_key_acts_with_its_role_only(partner, partner_admin, instance):
    support = key_client(make_key(partner_admin, partner, Role.SUPPORT))
    assert support.get(f"{LIST}{instance.pk}/").status_code == 200
    response = support.post(f"{LIST}{instance.pk}/restart/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_only_partner_admins_make_partner_keys(partner, operator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_key_create(by=operator, name="x", partner=partner, role=Role.PARTNER_ADMIN)
    with pytest.raises(PermissionDenied):  # and no personal key for non-staff
        api_key_create(by=operator, name="x")


def test_staff_personal_key_acts_as_the_person(staff_user, instance, foreign_instance):
    _key, secret = api_key_create(by=staff_user, name="mine")
    rows = key_client(secret).get(LIST).json()["results"]
    assert {r["id"] for r in rows} == {instance.pk, foreign_instance.pk}
    staff_user.is_staff = False
    staff_user.save()
    assert_401(key_client(secret).get(LIST), "authentication_failed")


def test_throttled_per_key_with_the_error_shape(settings, api, partner_admin, partner):
    settings.API_RATE_PER_KEY = "3/min"
    InstanceFactory(partner=partner)
    codes = [api.get(LIST).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get(LIST)
    assert response.json()["errors"][0]["code"] == "throttled"
    assert "Retry-After" in response
    # Another key of the same partner has its own allowance.
    assert key_client(make_key(partner_admin, partner)).get(LIST).status_code == 200
