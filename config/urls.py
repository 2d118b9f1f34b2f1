from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

handler403 = "core.views.permission_denied"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("webhooks/", include("webhooks.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
