"""/api/partners/ (billing projection) and /api/labels/ against the sandbox."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from partners.roles import Role
from tests.api.conftest import key_client, make_key
from tests.factories import InstanceFactory

pytestmark = pytest.mark.django_db


def test_invoices_follow_the_billing_rules(partner, partner_admin):
    member = key_client(make_key(partner_admin, partner, Role.PARTNER_MEMBER))
    partner.instance_price = "99.00"
    partner.save()
    for n in range(3):
        InstanceFactory(
            partner=partner, name=f"N{n}",
            subscribed_at=timezone.make_aware(datetime(2027, 5, 10 + n)),
        )  # fmt: skip
    june = member.get(f"/api/partners/{partner.pk}/invoices/2027-06/")
    assert june.status_code == 200, june.content
    assert june.json()["due_date"] == "2027-06-05"
    assert june.json()["count"] == 3
    assert len(member.get(f"/api/partners/{partner.pk}/invoices/?count=2").json()) == 2
    assert member.get(f"/api/partners/{partner.pk}/invoices/?count=99").status_code == 400
    assert member.get(f"/api/partners/{partner.pk}/invoices/2027-13/").status_code == 400


def test_operators_do_not_read_invoices_and_others_are_404(api, partner, other_partner):
    assert api.get(f"/api/partners/{partner.pk}/invoices/").status_code == 403
    assert api.get(f"/api/partners/{other_partner.pk}/").status_code == 404
    assert [p["id"] for p in api.get("/api/partners/").json()["results"]] == [partner.pk]


@pytest.mark.django_db(transaction=True)
def test_labels_create_rename_label_chats_and_delete_at_the_sandbox(api, live_url, partner):
    from instances.business.models import ChatLabel, Label
    from sandbox.models import SandboxTag
    from tests.instances.conftest import make_pair

    ours, box = make_pair(partner, connected=True)
    made = api.post("/api/labels/", {"instance": ours.pk, "name": "VIP", "color": 3})
    assert made.status_code == 201, made.content
    label_id = made.json()["id"]
    assert SandboxTag.objects.filter(instance=box, name="VIP").exists()
    renamed = api.patch(f"/api/labels/{label_id}/", {"name": "Gold"})
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "Gold"
    applied = api.post(
        f"/api/labels/{label_id}/chats/", {"chat_ids": ["5511988887777"], "on": True}
    )
    assert applied.json() == {"done": 1, "failed": []}
    assert ChatLabel.objects.filter(label_id=label_id, chat_id="5511988887777").exists()
    listed = api.get(f"/api/labels/?instance={ours.pk}").json()["results"]
    assert [(r["name"], r["chats"]) for r in listed] == [("Gold", 1)]
    assert api.post("/api/labels/sync/", {"instance": ours.pk}).status_code == 200
    assert api.delete(f"/api/labels/{label_id}/").status_code == 204
    assert not Label.objects.filter(pk=label_id).exists()
