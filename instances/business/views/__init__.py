"""The WhatsApp Business tabs of an instance page (labels, catalog, company profile, copy)."""

from __future__ import annotations

from core.admin import Route
from instances.business.views import catalog, company, contacts, copy, labels

# (route under /<pk>/, view, url name suffix), joined to ``instances.views.ROUTES``.
ROUTES: list[Route] = [
    ("labels/", labels.page, "labels"),
    ("labels/sync/", labels.sync, "labels_sync"),
    ("labels/create/", labels.create, "labels_create"),
    ("labels/edit/", labels.edit, "labels_edit"),
    ("labels/delete/", labels.delete, "labels_delete"),
    ("labels/chat/", labels.chat, "labels_chat"),
    ("labels/bulk/", labels.bulk, "labels_bulk"),
    ("catalog/", catalog.page, "catalog"),
    ("catalog/sync/", catalog.sync, "catalog_sync"),
    ("catalog/product/", catalog.product, "catalog_product"),
    ("catalog/delete/", catalog.delete, "catalog_delete"),
    ("catalog/settings/", catalog.settings, "catalog_settings"),
    ("catalog/collection/", catalog.collection_new, "catalog_collection_new"),
    ("catalog/collection/edit/", catalog.collection_edit, "catalog_collection_edit"),
    ("catalog/collection/products/", catalog.collection_products, "catalog_collection_products"),
    ("company/", company.page, "company"),
    ("company/categories/", company.categories, "company_categories"),
    ("business/copy/", copy.page, "business_copy"),
    ("business/copy/progress/", copy.progress, "business_copy_progress"),
]

# Routes of the contact book's labelling (not of one instance): under /instances/instance/
# business/, named "admin:instances_business_<suffix>".
CONTACT_ROUTES: list[Route] = [
    ("contacts/label/", contacts.contacts_label, "contacts_label"),
]
