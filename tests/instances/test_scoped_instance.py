"""``scoped_instance``: through the tenant scope (foreign → 404), the capability checked at
the instance's own partner (a role elsewhere does not count → 403)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from instances.shortcuts import scoped_instance
from partners.roles import QUEUE_FIXERS, Capability, Role
from tests.factories import InstanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_capability_counts_only_at_the_instances_partner(partner, other_partner):
    # Operator at Acme, support at Globex: may operate Acme's numbers, not Globex's.
    user = MembershipFactory(partner=partner, role=Role.OPERATOR).user
    MembershipFactory(user=user, partner=other_partner, role=Role.SUPPORT)
    mine = InstanceFactory(partner=partner)
    theirs = InstanceFactory(partner=other_partner)
    request = _request(user)
    assert scoped_instance(request, mine.pk, Capability.OPERATE) == mine
    assert scoped_instance(request, theirs.pk) == theirs
    assert scoped_instance(request, theirs.pk, QUEUE_FIXERS) == theirs
    with pytest.raises(PermissionDenied):
        scoped_instance(request, theirs.pk, Capability.OPERATE)


def test_a_foreign_instance_is_a_404(operator, other_partner):
    foreign = InstanceFactory(partner=other_partner)
    with pytest.raises(Http404):
        scoped_instance(_request(operator), foreign.pk)


def test_messaging_pages_answer_a_foreign_instance_with_404(operator_client, other_partner):
    foreign = InstanceFactory(partner=other_partner)
    for url in (
        reverse("admin:messaging_compose", args=[foreign.pk]),
        reverse("admin:messaging_conversation", args=[foreign.pk, "5511999990000"]),
        reverse("admin:messaging_queue") + f"?instance={foreign.pk}",
    ):
        assert operator_client.get(url).status_code == 404, url
    assert (
        operator_client.post(reverse("admin:messaging_pace", args=[foreign.pk])).status_code == 404
    )
