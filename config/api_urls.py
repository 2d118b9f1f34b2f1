"""The product's own REST API (DRF). Each app adds its viewsets to the router here."""

from rest_framework.routers import DefaultRouter

from instances.api import InstanceViewSet

router = DefaultRouter()
router.register("instances", InstanceViewSet, basename="instance")

urlpatterns = router.urls
