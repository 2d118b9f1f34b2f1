"""``/api/products/``, ``/api/collections/`` and an instance's ``company-profile/``: the
WhatsApp Business catalog and company profile through ``instances.business``' services
(Z-API first, our copy changed only when Z-API said yes). A personal number is refused
with the Business tabs' reason (409), as the pages refuse it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import CONFLICT, ZAPI_ERRORS, Conflict, outcome_body, outcome_raise
from api.fields import (
    CharField,
    EmailField,
    FlatListField,
    LocalTimeField,
    ModelSerializer,
    RegexField,
    URLField,
)
from api.filters import IdFilter, StrictFilterSet
from api.resources.base import ScopedViewSet
from audit.models import AuditAction
from instances.business.catalog import (
    catalog_configure,
    catalog_sync,
    collection_create,
    collection_delete,
    collection_products_change,
    collection_rename,
    product_delete,
    product_save,
)
from instances.business.models import Collection, Product
from instances.business.profile import (
    MAX_CATEGORIES,
    MAX_WEBSITES,
    STEP_NAMES,
    WEEKDAYS,
    CompanyProfile,
    categories_search,
    company_profile_save,
)
from instances.business.selectors import business_account_of, business_status, product_names
from instances.models import Instance
from instances.views.common import audit_outcomes
from partners.roles import Capability
from partners.scoping import user_can


def business_instance(request: Request, pk: int, capability: Capability) -> Instance:
    """The number (404 if not seen, 403 without ``capability`` at its partner); a write
    on a personal number is a 409 with the tabs' reason."""
    instance = get_object_or_404(Instance.objects.for_user(request.user), pk=pk)
    if not user_can(request.user, capability, instance.partner):
        from rest_framework.exceptions import PermissionDenied

        raise PermissionDenied
    if capability != Capability.VIEW and not (state := business_status(instance)).enabled:
        raise Conflict(str(state.reason))
    return instance


class ProductSerializer(ModelSerializer[Product]):
    instance = serializers.PrimaryKeyRelatedField(read_only=True)
    image = CharField(read_only=True)

    class Meta:
        model = Product
        fields = ["id", "instance", "product_id", "name", "description", "price", "sale_price",
                  "currency", "image", "images", "url", "retailer_id", "hidden", "availability",
                  "read_at"]  # fmt: skip
        read_only_fields = fields


class ProductIn(serializers.Serializer[Any]):
    """``POST /products`` (spec 001): the price as Z-API counts it (a whole number)."""

    instance = serializers.IntegerField(help_text="Only when creating.", required=False)
    name = CharField(max_length=200)
    description = CharField(required=False, allow_blank=True, default="",
                                        max_length=5000)  # fmt: skip
    price = serializers.IntegerField(min_value=0, max_value=10**12)
    sale_price = serializers.IntegerField(min_value=0, max_value=10**12, required=False,
                                          allow_null=True, default=None)  # fmt: skip
    currency = RegexField(r"^[A-Za-z]{3}$", default="BRL", max_length=3,
                                      help_text="Three letters, e.g. BRL.")  # fmt: skip
    image_url = URLField(required=False, allow_blank=True, max_length=1000)
    url = URLField(required=False, allow_blank=True, max_length=1000)
    retailer_id = CharField(required=False, allow_blank=True, max_length=100)
    hidden = serializers.BooleanField(default=False)

    def product_fields(self) -> dict[str, Any]:
        """``product_save``'s fields, as the product form gives them."""
        data = dict(self.validated_data)
        data.pop("instance", None)
        image = data.pop("image_url", "")
        data["images"] = [image] if image else []
        data["currency"] = data["currency"].upper()
        return data


class InstanceIn(serializers.Serializer[Any]):
    instance = serializers.IntegerField()


class CartIn(InstanceIn):
    cart_enabled = serializers.BooleanField()


class BusinessFilter(StrictFilterSet):
    instance = IdFilter(field_name="instance_id")


class ProductFilter(BusinessFilter):
    class Meta:
        model = Product
        fields = ["instance"]


class CollectionFilter(BusinessFilter):
    class Meta:
        model = Collection
        fields = ["instance"]


BUSINESS_WRITES: dict[str, Capability | None] = {
    "create": Capability.OPERATE, "partial_update": Capability.OPERATE,
    "destroy": Capability.OPERATE, "sync": Capability.OPERATE, "cart": Capability.OPERATE,
    "products": Capability.OPERATE,
}  # fmt: skip


class ProductViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """The catalog of the partner's WhatsApp Business numbers (our copy, read at Z-API)."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    ordering_fields = ["name"]
    ordering = ("name", "pk")
    capabilities = BUSINESS_WRITES

    def queryset_for(self, user: Any) -> QuerySet[Product]:
        return Product.objects.for_user(user).select_related("instance__partner")

    def partner_of(self, obj: Product) -> Any:
        return obj.instance.partner

    @extend_schema(summary="Create a product at Z-API", request=ProductIn,
                   responses={201: ProductSerializer, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    def create(self, request: Request) -> Response:
        body = ProductIn(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("instance") is None:
            raise serializers.ValidationError({"instance": [_("Say which number.")]})
        instance = business_instance(request, body.validated_data["instance"], Capability.OPERATE)
        fields = body.product_fields()
        outcome = product_save(instance=instance, fields=fields)
        audit_outcomes(request._request, instance, AuditAction.PRODUCT_CREATE, [outcome],
                       product=str(fields.get("name", "")))  # fmt: skip
        outcome_raise(outcome)
        assert outcome.value is not None
        return Response(ProductSerializer(outcome.value).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a product at Z-API (every field, as the form sends it)",
                   request=ProductIn,
                   responses={200: ProductSerializer, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    def partial_update(self, request: Request, pk: str) -> Response:
        product: Product = self.get_object()
        business_instance(request, product.instance_id, Capability.OPERATE)
        body = ProductIn(data=request.data)
        body.is_valid(raise_exception=True)
        fields = body.product_fields()
        outcome = product_save(instance=product.instance, fields=fields, product=product)
        audit_outcomes(request._request, product.instance, AuditAction.PRODUCT_EDIT, [outcome],
                       product=str(fields.get("name", "")))  # fmt: skip
        outcome_raise(outcome)
        assert outcome.value is not None
        return Response(ProductSerializer(outcome.value).data)

    @extend_schema(summary="Delete at Z-API and here",
                   responses={204: None, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        product: Product = self.get_object()
        business_instance(request, product.instance_id, Capability.OPERATE)
        instance, name = product.instance, product.name
        outcome = product_delete(product=product)
        audit_outcomes(request._request, instance, AuditAction.PRODUCT_DELETE, [outcome],
                       product=name)  # fmt: skip
        outcome_raise(outcome)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Read the number's catalog from Z-API again", request=InstanceIn,
                   responses={200: None, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    @action(detail=False, methods=["post"])
    def sync(self, request: Request) -> Response:
        body = InstanceIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = business_instance(request, body.validated_data["instance"], Capability.OPERATE)
        return Response(outcome_body(catalog_sync(instance=instance)))

    @extend_schema(summary="Turn the catalog's cart on or off", request=CartIn,
                   responses={200: None, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    @action(detail=False, methods=["post"])
    def cart(self, request: Request) -> Response:
        body = CartIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = business_instance(request, body.validated_data["instance"], Capability.OPERATE)
        cart_enabled = body.validated_data["cart_enabled"]
        outcome = catalog_configure(instance=instance, cart_enabled=cart_enabled)
        audit_outcomes(request._request, instance, AuditAction.CATALOG_SETTINGS, [outcome],
                       cart=cart_enabled)  # fmt: skip
        return Response(outcome_body(outcome))


class CollectionSerializer(ModelSerializer[Collection]):
    instance = serializers.PrimaryKeyRelatedField(read_only=True)
    products = serializers.SerializerMethodField(help_text="Our ids of its products, in order.")

    class Meta:
        model = Collection
        fields = ["id", "instance", "collection_id", "name", "status", "products", "read_at"]
        read_only_fields = fields

    def get_products(self, obj: Collection) -> list[int]:
        ours = dict(Product.objects.filter(instance_id=obj.instance_id,
                                           product_id__in=obj.product_ids)
                    .values_list("product_id", "pk"))  # fmt: skip
        return [ours[p] for p in obj.product_ids if p in ours]


class CollectionIn(serializers.Serializer[Any]):
    instance = serializers.IntegerField()
    name = CharField(max_length=120)
    products = FlatListField(child=serializers.IntegerField(), required=False, default=list,
                             max_length=500)  # fmt: skip


class RenameIn(serializers.Serializer[Any]):
    name = CharField(max_length=120)


class ProductsIn(serializers.Serializer[Any]):
    products = FlatListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    add = serializers.BooleanField(help_text="true: add them; false: take them out.")


def _product_ids(instance: Instance, pks: list[int]) -> list[str]:
    """Z-API's ids of our products of this number; one of another number is a 400."""
    found = dict(Product.objects.filter(instance=instance, pk__in=pks)
                 .values_list("pk", "product_id"))  # fmt: skip
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise serializers.ValidationError(
            {
                "products": [
                    _("Not products of this number: %(ids)s.")
                    % {"ids": ", ".join(map(str, missing))}
                ]
            }
        )
    return [found[pk] for pk in pks]  # fmt: skip


class CollectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    serializer_class = CollectionSerializer
    filterset_class = CollectionFilter
    ordering_fields = ["name"]
    ordering = ("name", "pk")
    capabilities = BUSINESS_WRITES

    def queryset_for(self, user: Any) -> QuerySet[Collection]:
        return Collection.objects.for_user(user).select_related("instance__partner")

    def partner_of(self, obj: Collection) -> Any:
        return obj.instance.partner

    @extend_schema(summary="Create a collection at Z-API", request=CollectionIn,
                   responses={201: CollectionSerializer, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    def create(self, request: Request) -> Response:
        body = CollectionIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = business_instance(request, body.validated_data["instance"], Capability.OPERATE)
        ids = _product_ids(instance, body.validated_data["products"])
        name = body.validated_data["name"]
        outcome = collection_create(instance=instance, name=name, product_ids=ids)
        audit_outcomes(request._request, instance, AuditAction.COLLECTION_CREATE, [outcome],
                       collection=name,
                       products=product_names(instance=instance, product_ids=ids))  # fmt: skip
        outcome_raise(outcome)
        assert outcome.value is not None
        return Response(CollectionSerializer(outcome.value).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Rename at Z-API", request=RenameIn,
                   responses={200: CollectionSerializer, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    def partial_update(self, request: Request, pk: str) -> Response:
        collection: Collection = self.get_object()
        business_instance(request, collection.instance_id, Capability.OPERATE)
        body = RenameIn(data=request.data)
        body.is_valid(raise_exception=True)
        was, name = collection.name, body.validated_data["name"]
        outcome = collection_rename(collection=collection, name=name)
        audit_outcomes(request._request, collection.instance, AuditAction.COLLECTION_RENAME,
                       [outcome], collection=was, name=name)  # fmt: skip
        outcome_raise(outcome)
        return Response(CollectionSerializer(collection).data)

    @extend_schema(summary="Delete at Z-API and here",
                   responses={204: None, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        collection: Collection = self.get_object()
        business_instance(request, collection.instance_id, Capability.OPERATE)
        instance, was = collection.instance, collection.name
        outcome = collection_delete(collection=collection)
        audit_outcomes(request._request, instance, AuditAction.COLLECTION_DELETE, [outcome],
                       collection=was)  # fmt: skip
        outcome_raise(outcome)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Add products to the collection, or take them out", request=ProductsIn,
                   responses={200: CollectionSerializer, **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def products(self, request: Request, pk: str) -> Response:
        collection: Collection = self.get_object()
        instance = business_instance(request, collection.instance_id, Capability.OPERATE)
        body = ProductsIn(data=request.data)
        body.is_valid(raise_exception=True)
        ids = _product_ids(instance, body.validated_data["products"])
        outcome = collection_products_change(collection=collection, product_ids=ids,
                                             add=body.validated_data["add"])  # fmt: skip
        audit_outcomes(request._request, instance, AuditAction.COLLECTION_PRODUCTS, [outcome],
                       collection=collection.name, add=body.validated_data["add"],
                       products=product_names(instance=instance, product_ids=ids))  # fmt: skip
        outcome_raise(outcome)
        return Response(CollectionSerializer(collection).data)


# -- the company profile (on the instance) --------------------------------------------------
class DayIn(serializers.Serializer[Any]):
    day = serializers.ChoiceField(choices=list(WEEKDAYS))
    opens = LocalTimeField()
    closes = LocalTimeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["closes"] <= attrs["opens"]:
            raise serializers.ValidationError(_("Closing comes after opening."))
        return attrs


class HoursIn(serializers.Serializer[Any]):
    timezone = CharField(max_length=64)
    mode = CharField(max_length=40, required=False, default="specificHours")
    days = FlatListField(child=DayIn(), required=False, default=list, max_length=7)


class CategoryIn(serializers.Serializer[Any]):
    id = CharField(max_length=100)
    displayName = CharField(max_length=200, required=False, default="")


class ProfileIn(serializers.Serializer[Any]):
    """Only the parts given change; each is sent only if it differs from our copy."""

    description = CharField(required=False, allow_blank=True, max_length=512)
    email = EmailField(required=False, allow_blank=True, max_length=254)
    address = CharField(required=False, allow_blank=True, max_length=256)
    websites = FlatListField(child=URLField(max_length=255), required=False,
                             max_length=MAX_WEBSITES)  # fmt: skip
    hours = HoursIn(required=False)
    categories = FlatListField(child=CategoryIn(), required=False, max_length=MAX_CATEGORIES)


ProfileSerializer = inline_serializer(
    "CompanyProfile",
    {
        "instance": serializers.IntegerField(),
        "description": CharField(),
        "email": CharField(),
        "address": CharField(),
        "websites": serializers.ListField(child=CharField()),
        "hours": serializers.DictField(help_text="{timezone, mode, days: [{dayOfWeek, "
                                       "openTime, closeTime}]}, or {} when not set."),
        "categories": serializers.ListField(child=serializers.DictField()),
        "answers": serializers.DictField(help_text="Z-API's last answer per part."),
        "said": serializers.ListField(child=CharField(), required=False,
                                      help_text="After a change: what Z-API said per part."),
    },
)  # fmt: skip


def profile_json(instance: Instance, said: list[str] | None = None) -> dict[str, Any]:
    account = business_account_of(instance)
    profile = CompanyProfile.of(account)
    data = {"instance": instance.pk, "description": profile.description, "email": profile.email,
            "address": profile.address, "websites": profile.websites, "hours": profile.hours,
            "categories": profile.categories,
            "answers": {str(STEP_NAMES[k]): v for k, v in account.answers.items()
                        if k in STEP_NAMES}}  # fmt: skip
    if said is not None:
        data["said"] = said
    return data


def _hours(value: dict[str, Any]) -> dict[str, Any]:
    days = [
        {
            "dayOfWeek": d["day"],
            "openTime": d["opens"].strftime("%H:%M"),
            "closeTime": d["closes"].strftime("%H:%M"),
        }
        for d in value.get("days", [])
    ]
    return {"timezone": value["timezone"], "mode": value.get("mode") or "specificHours",
            "days": days}  # fmt: skip


class CompanyProfileMixin:
    """``/api/instances/{id}/company-profile/`` and ``/company-categories/``."""

    @extend_schema(
        methods=["GET"],
        summary="The company profile, as last sent to Z-API",
        responses={200: ProfileSerializer},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change parts of the company profile at Z-API",
        request=ProfileIn,
        responses={200: ProfileSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["get", "patch"], url_path="company-profile")
    def company_profile(self, request: Request, pk: str) -> Response:  # fmt: skip
        instance: Instance = self.get_object()  # type: ignore[attr-defined]
        if request.method == "GET":
            return Response(profile_json(instance))
        business_instance(request, instance.pk, Capability.OPERATE)
        body = ProfileIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        current = CompanyProfile.of(business_account_of(instance))
        profile = CompanyProfile(
            description=data.get("description", current.description),
            email=data.get("email", current.email),
            address=data.get("address", current.address),
            websites=list(data.get("websites", current.websites)),
            hours=_hours(data["hours"]) if "hours" in data else current.hours,
            categories=[dict(c) for c in data["categories"]] if "categories" in data
            else current.categories,
        )  # fmt: skip
        outcomes = company_profile_save(instance=instance, profile=profile)
        audit_outcomes(request._request, instance, AuditAction.COMPANY_PROFILE, outcomes)
        return Response(profile_json(instance, said=[str(o) for o in outcomes]))

    @extend_schema(summary="WhatsApp's business categories matching a word (for the profile)",
                   parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
                   responses={200: inline_serializer("BusinessCategory", {
                       "id": CharField(), "displayName": CharField()},
                       many=True), **ZAPI_ERRORS, **CONFLICT})  # fmt: skip
    @action(detail=True, methods=["get"], url_path="company-categories")
    def company_categories(self, request: Request, pk: str) -> Response:
        instance: Instance = self.get_object()  # type: ignore[attr-defined]
        business_instance(request, instance.pk, Capability.OPERATE)
        query = request.query_params.get("q", "").strip()[:100]
        if not query:
            raise serializers.ValidationError({"q": [_("Give a word to look for.")]})
        outcome = categories_search(instance=instance, query=query)
        outcome_raise(outcome)
        return Response(outcome.value or [])


PROFILE_CAPABILITIES: dict[str, Capability | None] = {
    "company_profile": None,
    "company_categories": Capability.OPERATE,
}
