"""The Catalog tab: products with thumbnails, prices and availability; create, edit and
delete them; collections; the cart setting; another business number's public catalog."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from audit.models import AuditAction
from instances.business.catalog import (
    catalog_configure,
    catalog_of_phone,
    catalog_sync,
    collection_create,
    collection_delete,
    collection_products_change,
    collection_rename,
    product_delete,
    product_fields,
    product_save,
)
from instances.business.forms import (
    CatalogPhoneForm,
    CollectionForm,
    CollectionProductsForm,
    ProductForm,
)
from instances.business.models import PRICE_NOTE, Collection, Product
from instances.business.selectors import (
    business_account_of,
    collections_of,
    product_names,
    products_of,
)
from instances.business.views.common import (
    back,
    business_action,
    business_context,
    business_instance,
    own_or_404,
    refused,
)
from instances.models import Instance
from instances.views.common import audit_outcomes, show
from partners.roles import Capability

TAB = "catalog"


def _choices(instance: Instance) -> list[tuple[str, str]]:
    return [(p.product_id, p.name) for p in products_of(instance=instance)]


def page(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    instance, status = business_instance(request, object_id)
    context = business_context(request, model_admin, instance, status, title=_("Catalog"), tab=TAB)
    phone_form = CatalogPhoneForm(request.GET if "phone" in request.GET else None)
    other, other_products = None, []
    if status.enabled and phone_form.is_valid():
        other = catalog_of_phone(
            instance=instance,
            phone=phone_form.cleaned_data["phone"],
            cursor=phone_form.cleaned_data["cursor"],
        )
        if other.ok and other.value is not None:
            other_products = [Product(**product_fields(r)) for r in other.value.products]
    context.update(
        account=business_account_of(instance),
        products=list(products_of(instance=instance)),
        collections=collections_of(instance=instance),
        collection_form=CollectionForm(products=_choices(instance)),
        phone_form=phone_form,
        other=other,
        other_products=other_products,
        other_phone=phone_form.cleaned_data.get("phone") if other else "",
        price_note=PRICE_NOTE,
    )
    return TemplateResponse(request, "instances/business/catalog.html", context)


def product(request: HttpRequest, object_id: int, model_admin: Any) -> HttpResponse:
    """Create (no ``product``) or edit one product: GET shows the form, POST saves it."""
    capability = Capability.OPERATE
    instance, status = business_instance(request, object_id, capability)
    row = None
    if request.GET.get("product"):
        row = own_or_404(products_of(instance=instance), request.GET["product"])
    if request.method == "POST" and not status.enabled:
        return refused(request, status, object_id, TAB)
    initial = {}
    if row is not None:
        initial = {
            "name": row.name,
            "description": row.description,
            "price": int(row.price) if row.price.isdigit() else None,
            "sale_price": int(row.sale_price) if row.sale_price.isdigit() else None,
            "currency": row.currency or "BRL",
            "image_url": row.image,
            "url": row.url,
            "retailer_id": row.retailer_id,
            "hidden": row.hidden,
        }
    form = ProductForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.product_fields()
        outcome = product_save(instance=instance, fields=fields, product=row)
        show(request, outcome)
        action = AuditAction.PRODUCT_EDIT if row else AuditAction.PRODUCT_CREATE
        audit_outcomes(request, instance, action, [outcome], product=str(fields.get("name", "")))
        if outcome.ok:
            return redirect(f"admin:instances_instance_{TAB}", instance.pk)
    title = _("Edit product") if row else _("New product")
    context = business_context(request, model_admin, instance, status, title=title, tab=TAB)
    context.update(form=form, product=row)
    return TemplateResponse(request, "instances/business/product.html", context)


@business_action(TAB)
def sync(request: HttpRequest, instance: Instance) -> HttpResponse:
    show(request, catalog_sync(instance=instance))
    return back(request, instance.pk, TAB)


@business_action(TAB)
def delete(request: HttpRequest, instance: Instance) -> HttpResponse:
    row = own_or_404(Product.objects.filter(instance=instance), request.POST.get("product"))
    name = row.name
    outcome = product_delete(product=row)
    show(request, outcome)
    audit_outcomes(request, instance, AuditAction.PRODUCT_DELETE, [outcome], product=name)
    return back(request, instance.pk, TAB)


@business_action(TAB)
def settings(request: HttpRequest, instance: Instance) -> HttpResponse:
    cart_enabled = "cart_enabled" in request.POST
    outcome = catalog_configure(instance=instance, cart_enabled=cart_enabled)
    show(request, outcome)
    audit_outcomes(request, instance, AuditAction.CATALOG_SETTINGS, [outcome], cart=cart_enabled)
    return back(request, instance.pk, TAB)


@business_action(TAB)
def collection_new(request: HttpRequest, instance: Instance) -> HttpResponse:
    form = CollectionForm(request.POST, products=_choices(instance))
    if form.is_valid():
        name, product_ids = form.cleaned_data["name"], form.cleaned_data["products"]
        outcome = collection_create(instance=instance, name=name, product_ids=product_ids)
        show(request, outcome)
        audit_outcomes(
            request,
            instance,
            AuditAction.COLLECTION_CREATE,
            [outcome],
            collection=name,
            products=product_names(instance=instance, product_ids=product_ids),
        )
    else:
        messages.error(request, _("Collection not created: %(e)s") % {"e": form.errors.as_text()})
    return back(request, instance.pk, TAB)


@business_action(TAB)
def collection_edit(request: HttpRequest, instance: Instance) -> HttpResponse:
    """Rename (``name``) or delete (``delete``) a collection."""
    collection = own_or_404(
        Collection.objects.filter(instance=instance), request.POST.get("collection")
    )
    was = collection.name
    if "delete" in request.POST:
        deleted = collection_delete(collection=collection)
        show(request, deleted)
        audit_outcomes(request, instance, AuditAction.COLLECTION_DELETE, [deleted], collection=was)
        return back(request, instance.pk, TAB)
    name = request.POST.get("name", "").strip()[:120]
    if not name:
        messages.error(request, _("Give the collection a name."))
    else:
        outcome = collection_rename(collection=collection, name=name)
        show(request, outcome)
        audit_outcomes(
            request, instance, AuditAction.COLLECTION_RENAME, [outcome], collection=was, name=name
        )
    return back(request, instance.pk, TAB)


@business_action(TAB)
def collection_products(request: HttpRequest, instance: Instance) -> HttpResponse:
    form = CollectionProductsForm(request.POST, products=_choices(instance))
    if not form.is_valid():
        messages.error(request, _("Nothing changed: %(e)s") % {"e": form.errors.as_text()})
        return back(request, instance.pk, TAB)
    collection = own_or_404(
        Collection.objects.filter(instance=instance), form.cleaned_data["collection"]
    )
    was, add, product_ids = (
        collection.name,
        form.cleaned_data["add"],
        form.cleaned_data["products"],
    )
    outcome = collection_products_change(collection=collection, product_ids=product_ids, add=add)
    show(request, outcome)
    audit_outcomes(
        request,
        instance,
        AuditAction.COLLECTION_PRODUCTS,
        [outcome],
        collection=was,
        add=add,
        products=product_names(instance=instance, product_ids=product_ids),
    )
    return back(request, instance.pk, TAB)
