from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def receive(request: HttpRequest, instance_id: int, secret: str, kind: str = "") -> HttpResponse:
    # The receiver (store first, then process) is built by issue 5. Until then, refuse with a
    # retryable status so Z-API keeps the event rather than us dropping it.
    return HttpResponse(status=503)
