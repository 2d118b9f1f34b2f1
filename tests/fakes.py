"""The one fake Z-API of the tests: a small in-memory Z-API behind ``httpx.MockTransport``,
for unit tests that need exact requests or answers the sandbox cannot give (errors,
captcha, bans, timeouts). Installed at the ``zapi`` transport as the process's pooled
client (the ``fake_zapi`` fixture), so every client in the code under test uses it.

Answers, first that applies: the queue of ``reply(...)`` (responses, or exceptions to
raise, one per request), ``handler`` for every request (it may raise httpx errors),
``routes["<METHOD> <suffix>"]`` for one route, else the defaults below (a send gets fresh
ids Z1/M1, Z2/M2...). The ``zapi`` package's own unit tests pass ``http=`` (a client on the
same fake, ``tests/zapi/conftest.py``) instead of installing it: the same transport seam."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

import zapi.transport as transport
from zapi.events import WEBHOOK_KINDS

Handler = Callable[[httpx.Request, dict[str, Any]], httpx.Response | dict[str, Any] | list[Any]]


@dataclass
class FakeZapi:
    connected: bool = False
    smartphone: bool = True
    queue: list[dict[str, Any]] = field(default_factory=list)
    me: dict[str, Any] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    # Route overrides: "<METHOD> <suffix>" -> handler(request, body) -> response or JSON.
    routes: dict[str, Handler] = field(default_factory=dict)
    qr_counter: int = 0
    # Answers every request when set (before ``routes``): a function of the request.
    handler: Callable[[httpx.Request], httpx.Response] | None = None
    # Answers for the next requests, in order (an exception is raised instead of answering).
    replies: list[httpx.Response | Exception] = field(default_factory=list)

    def reply(self, *items: httpx.Response | Exception) -> None:
        self.replies.extend(items)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)

    def calls(self, suffix: str, method: str | None = None) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if _suffix(r) == suffix and (method is None or r.method == method)
        ]

    def bodies(self) -> list[Any]:
        """The JSON bodies sent, in order (requests without a body left out)."""
        return [json.loads(r.content) for r in self.requests if r.content]

    def paths(self) -> list[str]:
        """What follows ``/token/{token}/`` in each request, e.g. ``send-text``."""
        return [_suffix(r).lstrip("/") for r in self.requests]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.replies:
            item = self.replies.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        if self.handler is not None:
            return self.handler(request)
        body = json.loads(request.content) if request.content else {}
        suffix = _suffix(request)
        override = self.routes.get(f"{request.method} {suffix}")
        if override is not None:
            result = override(request, body)
            if isinstance(result, httpx.Response):
                return result
            return httpx.Response(200, json=result)
        return httpx.Response(200, json=self._default(request, suffix, body))

    def _default(self, request: httpx.Request, suffix: str, body: dict[str, Any]) -> Any:
        if suffix == "/status":
            return {
                "connected": self.connected,
                "smartphoneConnected": self.smartphone if self.connected else False,
                "error": "" if self.connected else "You are not connected.",
            }
        if suffix == "/qr-code":
            self.qr_counter += 1
            return {"value": f"2@fake-qr-{self.qr_counter}"}
        if suffix == "/queue/count":
            return {"count": len(self.queue)}
        if suffix == "/queue" and request.method == "GET":
            page = int(request.url.params.get("page", 1))
            size = int(request.url.params.get("pageSize", 100))
            return self.queue[(page - 1) * size : page * size]
        if suffix == "/queue" and request.method == "POST":
            # Cursor paging: our fake's pagingState is the last ZaapId seen.
            ids = [m["ZaapId"] for m in self.queue]
            after = body.get("pagingState")
            start = ids.index(after) + 1 if after in ids else 0
            batch = self.queue[start : start + body.get("pageSize", 20)]
            more = start + len(batch) < len(self.queue)
            return {"messages": batch, "pagingState": batch[-1]["ZaapId"] if more else None}
        if suffix == "/queue" and request.method == "DELETE":
            self.queue.clear()
            return {}
        if suffix.startswith("/queue/") and request.method == "DELETE":
            zaap_id = suffix.rsplit("/", 1)[1]
            self.queue = [m for m in self.queue if m["ZaapId"] != zaap_id]
            return {}
        if suffix == "/me":
            return {"id": "X", "token": "SHOULD-NOT-LEAK", "connected": self.connected, **self.me}
        if suffix == "/device":
            return {"phone": "5544999999999", "name": "Sales", "originalDevice": "android"}
        if suffix.startswith("/send-"):
            n = len(self.requests)
            return {"zaapId": f"Z{n}", "messageId": f"M{n}", "id": f"M{n}"}
        if suffix == "/update-every-webhooks":
            for kind in WEBHOOK_KINDS:
                self.me[kind.callback_field] = body["value"]
            if "notifySentByMe" in body:
                self.me["receiveCallbackSentByMe"] = body["notifySentByMe"]
            return {"value": True}
        if suffix.startswith("/phone-code/"):
            return {"code": "ABCD-EFGH"}
        return {"value": True}


def _suffix(request: httpx.Request) -> str:
    # [base path]/instances/{id}/token/{token}/<suffix>
    parts = request.url.path.split("/")
    if "token" not in parts:
        return request.url.path
    return "/" + "/".join(parts[parts.index("token") + 2 :])


def queue_message(n: int, created: int | None = None) -> dict[str, Any]:
    return {
        "_id": f"Z{n:04d}",
        "ZaapId": f"Z{n:04d}",
        "MessageId": f"M{n:04d}",
        "Phone": "5511999999999",
        "Message": f"queued message {n}",
        "Created": created if created is not None else 1_700_000_000_000 + n,
        "DelayMessage": -1,
        "DelayTyping": 0,
        "IsTrial": False,
        "InstanceId": "X",
    }


def install(fake: FakeZapi) -> httpx.Client:
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))
    with transport._lock:
        transport._client, transport._pid = client, os.getpid()
    return client


def uninstall() -> None:
    with transport._lock:
        transport._client = None
