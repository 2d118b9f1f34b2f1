"""/api/products/, /api/collections/ and an instance's company profile, against the sandbox
over real HTTP through instances.business' services; a personal number is refused."""

from __future__ import annotations

import pytest

from instances.business.models import BusinessAccount, Collection, Product
from instances.models import Instance
from sandbox.models import SandboxCollection, SandboxProduct
from tests.instances.conftest import make_pair

pytestmark = pytest.mark.django_db(transaction=True)

MOUSE = {"name": "Mouse", "price": 100, "sale_price": 90, "currency": "brl",
         "image_url": "https://example.com/mouse.png", "retailer_id": "M-1"}  # fmt: skip


@pytest.fixture
def paired(live_url, partner):
    return make_pair(partner, connected=True)


def test_products_and_collections_round_trip(api, paired):
    ours, box = paired
    made = api.post("/api/products/", {**MOUSE, "instance": ours.pk}, format="json")
    assert made.status_code == 201, made.content
    product = made.json()
    remote = SandboxProduct.objects.get(instance=box, product_id=product["product_id"])
    assert remote.data["retailerId"] == "M-1" and remote.data["currency"] == "BRL"
    assert product["image"] == "https://example.com/mouse.png"
    changed = api.patch(
        f"/api/products/{product['id']}/",
        {**MOUSE, "name": "Mouse Pro", "price": 150},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["price"]) == ("Mouse Pro", "150")
    rows = api.get(f"/api/products/?instance={ours.pk}").json()["results"]
    assert [r["name"] for r in rows] == ["Mouse Pro"]

    coll = api.post(
        "/api/collections/",
        {"instance": ours.pk, "name": "Mice", "products": [product["id"]]},
        format="json",
    )
    assert coll.status_code == 201, coll.content
    cid = coll.json()["id"]
    assert coll.json()["products"] == [product["id"]]
    assert SandboxCollection.objects.filter(instance=box).count() == 1
    out = api.post(
        f"/api/collections/{cid}/products/",
        {"products": [product["id"]], "add": False},
        format="json",
    )
    assert out.status_code == 200 and out.json()["products"] == []
    renamed = api.patch(f"/api/collections/{cid}/", {"name": "Rodents"}, format="json")
    assert renamed.json()["name"] == "Rodents"
    assert api.delete(f"/api/collections/{cid}/").status_code == 204
    assert not Collection.objects.exists()
    assert api.delete(f"/api/products/{product['id']}/").status_code == 204
    assert not Product.objects.exists() and not SandboxProduct.objects.filter(instance=box).exists()


def test_a_product_of_another_number_is_refused_in_a_collection(api, paired, partner):
    ours, _box = paired
    other, _ = make_pair(partner, connected=True)
    theirs = Product.objects.create(
        instance=other, product_id="9", name="X", read_at=ours.created_at
    )
    answer = api.post(
        "/api/collections/",
        {"instance": ours.pk, "name": "Mix", "products": [theirs.pk]},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["attr"] == "products"


def test_company_profile_sends_only_what_changed(api, paired):
    ours, _box = paired
    url = f"/api/instances/{ours.pk}/company-profile/"
    first = api.patch(url, {"description": "Coffee", "email": "hi@example.com",
                            "hours": {"timezone": "America/Sao_Paulo", "days": [
                                {"day": "MONDAY", "opens": "08:00", "closes": "18:00"}]}},
                      format="json")  # fmt: skip
    assert first.status_code == 200, first.content
    assert len(first.json()["said"]) == 3 and all(
        "Saved at Z-API" in s for s in first.json()["said"]
    )
    assert first.json()["hours"]["days"] == [
        {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "18:00"}
    ]
    again = api.patch(url, {"description": "Coffee", "address": "Rua A, 1"}, format="json")
    assert len(again.json()["said"]) == 1  # the description did not change: not sent
    shown = api.get(url).json()
    assert (shown["description"], shown["address"]) == ("Coffee", "Rua A, 1")
    assert "Address" in shown["answers"]
    bad = api.patch(url, {"hours": {"timezone": "America/Sao_Paulo", "days": [
        {"day": "MONDAY", "opens": "18:00", "closes": "08:00"}]}}, format="json")  # fmt: skip
    assert bad.status_code == 400


def test_a_personal_number_is_refused_with_the_reason(api, paired):
    ours, _box = paired
    Instance.objects.filter(pk=ours.pk).update(settings_snapshot={"device": {"isBusiness": False}})
    answer = api.post("/api/products/", {**MOUSE, "instance": ours.pk}, format="json")
    assert answer.status_code == 409
    assert "Not a WhatsApp Business number" in answer.json()["errors"][0]["detail"]
    assert api.patch(f"/api/instances/{ours.pk}/company-profile/", {"email": "a@b.co"},
                     format="json").status_code == 409  # fmt: skip
    assert not Product.objects.exists() and not BusinessAccount.objects.filter(email="a@b.co")
