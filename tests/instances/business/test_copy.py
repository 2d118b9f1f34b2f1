"""Copy labels, catalog and company profile from one number to three others with a real
Celery worker against the sandbox over HTTP; one more number fails and says why."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from instances.business.catalog import product_save
from instances.business.copy import business_copy_run, business_copy_start
from instances.business.labels import label_create
from instances.business.models import BusinessCopy, CopyState
from instances.business.profile import CompanyProfile, company_profile_save
from sandbox.models import SandboxProduct, SandboxTag
from sandbox.services import instance_tune
from tests.factories import InstanceFactory
from tests.instances.conftest import make_pair
from tests.live import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PROFILE = CompanyProfile(
    description="Coffee and cake",
    email="hello@example.com",
    address="Rua A, 1",
    websites=["https://example.com"],
    hours={"timezone": "America/Sao_Paulo", "mode": "open24h", "days": []},
    categories=[{"id": "restaurant", "displayName": "Restaurant"}],
)


def _source(partner):
    source, _box = make_pair(partner, connected=True)
    assert label_create(instance=source, name="VIP", color=3).ok
    assert label_create(instance=source, name="Paid", color=5).ok
    product = {"name": "Mug", "price": 45, "currency": "BRL", "images": [], "retailer_id": "MUG"}
    assert product_save(instance=source, fields=product).ok
    assert all(o.ok for o in company_profile_save(instance=source, profile=PROFILE))
    return source


@pytest.mark.integration
def test_copy_to_three_numbers_with_a_worker_and_one_failing(
    live_url, partner, celery_workers, monkeypatch
):
    monkeypatch.setenv("BUSINESS_COPY_PACE_SECONDS", "1.0")
    celery_workers.start(1)
    source = _source(partner)
    pairs = [make_pair(partner, connected=True) for _ in range(4)]
    # The last number's Z-API answers 500 to everything.
    instance_tune(instance=pairs[3][1], faults={"error_share": 1.0})
    # One target already has "VIP" in another colour: recoloured, not duplicated.
    SandboxTag.objects.create(instance=pairs[0][1], name="VIP", color=1)

    copy = business_copy_start(
        source=source,
        targets=[ours for ours, _ in pairs],
        parts=["labels", "catalog", "profile"],
    )
    done = wait_for(
        lambda: BusinessCopy.objects.filter(pk=copy.pk, state=CopyState.DONE).first(), 90
    )

    assert done.done == 4
    report = done.report
    for ours, box in pairs[:3]:
        row = report[str(ours.pk)]
        assert row["ok"], row
        assert sorted(SandboxTag.objects.filter(instance=box).values_list("name", "color")) == [
            ("Paid", 5), ("VIP", 3)
        ]  # fmt: skip
        products = SandboxProduct.objects.filter(instance=box)
        assert [p.data["retailerId"] for p in products] == ["MUG"]
        box.refresh_from_db()
        assert box.data["company"]["company_description"] == "Coffee and cake"
        assert box.data["company"]["business_categories"] == ["restaurant"]
    failed = report[str(pairs[3][0].pk)]
    assert failed["ok"] is False
    assert all("500" in line["text"] for line in failed["lines"] if not line["ok"])
    # Paced: each number starts at least the pace after the one before.
    starts = sorted(datetime.fromisoformat(r["started"]) for r in report.values())
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1.0, gaps


def test_copy_refuses_numbers_of_another_partner_and_an_empty_choice(partner, other_partner):
    source = InstanceFactory(partner=partner)
    foreign = InstanceFactory(partner=other_partner)
    with pytest.raises(ValidationError, match="another partner"):
        business_copy_start(source=source, targets=[foreign], parts=["labels"])
    with pytest.raises(ValidationError, match="Choose what"):
        business_copy_start(source=source, targets=[InstanceFactory(partner=partner)], parts=[])
    assert not BusinessCopy.objects.exists()


def test_a_non_business_target_is_reported_in_words(live_url, partner, settings):
    settings.BUSINESS_COPY_PACE_SECONDS = 0
    source = _source(partner)
    plain = InstanceFactory(partner=partner, settings_snapshot={"device": {"isBusiness": False}})
    copy = BusinessCopy.objects.create(source=source, parts=["labels"], target_ids=[plain.pk])
    business_copy_run(copy_id=copy.pk)
    copy.refresh_from_db()
    assert copy.state == CopyState.DONE
    row = copy.report[str(plain.pk)]
    assert row["ok"] is False and "Not a WhatsApp Business number" in row["lines"][0]["text"]


def test_copy_page_lists_the_partners_numbers_and_shows_a_report(
    live_url, partner, operator_client, other_partner, settings
):
    settings.BUSINESS_COPY_PACE_SECONDS = 0
    source = _source(partner)
    target, _box = make_pair(partner, connected=True)
    InstanceFactory(partner=other_partner, name="Not ours")
    url = reverse("admin:instances_instance_business_copy", args=[source.pk])
    html = operator_client.get(url + "?part=labels").content.decode()
    assert f'value="{target.pk}"' in html and "Not ours" not in html
    copy = BusinessCopy.objects.create(source=source, parts=["labels"], target_ids=[target.pk])
    business_copy_run(copy_id=copy.pk)
    progress = reverse("admin:instances_instance_business_copy_progress", args=[source.pk])
    html = operator_client.get(progress + f"?job={copy.pk}").content.decode()
    assert 'data-state="done"' in html and 'data-ok="1"' in html
    assert "hx-trigger" not in html  # done: polling stops


def test_someone_elses_copy_is_not_shown(partner, other_partner, operator_client):
    theirs = InstanceFactory(partner=other_partner)
    copy = BusinessCopy.objects.create(source=theirs, parts=["labels"], target_ids=[])
    ours = InstanceFactory(partner=partner)
    progress = reverse("admin:instances_instance_business_copy_progress", args=[ours.pk])
    assert "copy-progress" not in operator_client.get(progress + f"?job={copy.pk}").content.decode()
    url = reverse("admin:instances_instance_business_copy", args=[theirs.pk])
    assert operator_client.get(url).status_code == 404
