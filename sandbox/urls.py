from django.urls import URLPattern, URLResolver

app_name = "sandbox"

# Filled from zapi.endpoints.ENDPOINTS by the sandbox (issue 4).
urlpatterns: list[URLPattern | URLResolver] = []
