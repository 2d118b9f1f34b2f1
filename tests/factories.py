"""Factories shared by every app's tests (factory_boy)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from instances.models import Instance
from partners.models import Membership, Partner
from partners.roles import Role


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Role.OPERATOR


class InstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instance

    partner = factory.SubFactory(PartnerFactory)
    zapi_id = factory.Sequence(lambda n: f"3C{n:030X}")
    token = factory.Sequence(lambda n: f"TOKEN{n:020d}SECRET")
    name = factory.Sequence(lambda n: f"Number {n}")
