"""Fixtures of the sandbox tests: sandbox instances, the real ``zapi`` clients wired to the
app in-process (WSGI) or over real HTTP, and a local server that records webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from sandbox.models import SandboxAccount, SandboxInstance
from sandbox.services import sandbox_instance_create
from zapi import InstanceClient, NumberRegistrationClient, PartnerClient

BASE = "http://localhost/sandbox"
FAST = {
    "qr_ttl": 20.0,
    "scan_connect": 0.0,
    "gap_min": 0.0,
    "gap_max": 0.0,
    "sent_after": 0.2,
    "received_after": 0.2,
    "read_after": 0.2,
    "played_after": 0.2,
    "read_share": 1.0,
    "played_share": 1.0,
    "webhook_retry": 0.2,
}


class HookServer:
    """A local HTTP server that records every POST (path and JSON body). ``fail_next``
    answers 500 to that many requests first (to exercise retries)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with server.lock:
                    if server.fail_next > 0:
                        server.fail_next -= 1
                        status = 500
                    else:
                        status = 200
                        server.events.append(json.loads(body))
                        server.paths.append(self.path)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def types(self) -> list[str]:
        with self.lock:
            return [str(e.get("type")) for e in self.events]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.events if e.get("type") == kind]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hooks() -> Iterator[HookServer]:
    server = HookServer()
    yield server
    server.close()


@pytest.fixture
def wsgi_http() -> Iterator[httpx.Client]:
    """An httpx client that calls the Django app in-process (same DB transaction).

    Like Django's test client, it keeps the request signals from closing the test's
    database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(
            transport=httpx.WSGITransport(app=get_wsgi_application()),
            base_url="http://localhost",
        ) as http:
            yield http
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def sbx(db) -> SandboxInstance:
    """A connected sandbox instance with fast timings."""
    return sandbox_instance_create(
        name="Sales", connected=True, phone="5511999990000", timings=FAST
    )


@pytest.fixture
def sbx_new(db) -> SandboxInstance:
    """A sandbox instance waiting for its QR code to be scanned."""
    return sandbox_instance_create(name="New", timings=FAST)


def client_for(
    instance: SandboxInstance, http: httpx.Client, base: str = BASE, **kwargs: Any
) -> InstanceClient:
    kwargs.setdefault("max_retries", 0)
    return InstanceClient(base, instance.zapi_id, instance.token, http=http, **kwargs)


@pytest.fixture
def zc(sbx, wsgi_http) -> InstanceClient:
    return client_for(sbx, wsgi_http)


@pytest.fixture
def partner_account(db) -> SandboxAccount:
    return SandboxAccount.objects.create(name="Reseller", integrator_token="INTEGRATOR-1")


@pytest.fixture
def partner_client(partner_account, wsgi_http) -> PartnerClient:
    return PartnerClient(BASE, partner_account.integrator_token, http=wsgi_http, max_retries=0)


@pytest.fixture
def registration_client(partner_account, wsgi_http) -> NumberRegistrationClient:
    return NumberRegistrationClient(
        BASE, partner_account.integrator_token, http=wsgi_http, max_retries=0
    )
