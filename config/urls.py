from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from core import two_factor
from core import views as core_views

handler403 = "core.views.permission_denied"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("webhooks/", include("webhooks.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("two-factor/enrol/", two_factor.enrol, name="two_factor_enrol"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    # Not under /two-factor/: the middleware asks for the second factor before this page.
    path("account/two-factor/", two_factor.manage, name="two_factor_manage"),
    # An invited member chooses a password here (partners.services.member_invite).
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
