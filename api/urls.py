"""``/api/``: the router of every resource, the schema and its docs (behind login)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from api.resources.audit import AuditEntryViewSet
from api.resources.business import CollectionViewSet, ProductViewSet
from api.resources.campaigns import CampaignViewSet
from api.resources.contacts import ContactListViewSet, ContactViewSet
from api.resources.events import WebhookEventViewSet
from api.resources.imports import ContactImportViewSet
from api.resources.instances import InstanceViewSet
from api.resources.labels import LabelViewSet
from api.resources.messages import (
    ConversationTimelineViewSet,
    ConversationViewSet,
    MessageViewSet,
)
from api.resources.numbers import NumberViewSet
from api.resources.partners import PartnerViewSet


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
@throttle_classes([])
def api_not_found(request: Request) -> Response:
    raise NotFound


router = DefaultRouter()
router.include_root_view = False
router.register("instances", InstanceViewSet, basename="instance")
router.register("messages", MessageViewSet, basename="message")
router.register("webhook-events", WebhookEventViewSet, basename="webhook-event")
router.register("contacts", ContactViewSet, basename="contact")
router.register("lists", ContactListViewSet, basename="contact-list")
router.register("labels", LabelViewSet, basename="label")
router.register("partners", PartnerViewSet, basename="partner")
router.register("numbers", NumberViewSet, basename="number")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("contact-imports", ContactImportViewSet, basename="contact-import")
router.register("products", ProductViewSet, basename="product")
router.register("collections", CollectionViewSet, basename="collection")
router.register("audit-log", AuditEntryViewSet, basename="audit-entry")

conversations = ConversationViewSet.as_view({"get": "list"})
conversation = ConversationTimelineViewSet.as_view({"get": "list"})

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs are pages for people: behind the dashboard's login (the schema takes a key).
    path(
        "docs/",
        # The split view serves its script as a file: the CSP allows no inline script.
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path(
        "instances/<int:instance_pk>/conversations/",
        conversations,
        name="instance-conversations",
    ),
    path(
        "instances/<int:instance_pk>/conversations/<str:chat_id>/",
        conversation,
        name="instance-conversation",
    ),
    path("", include(router.urls)),
    # Anything else under /api/ is the API's own 404, not the dashboard's HTML.
    re_path(r"^[\s\S]*$", api_not_found),
]
