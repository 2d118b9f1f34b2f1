"""The ingest server: an ASGI application for the webhook URLs (``config/ingest.py``, the
Procfile's ``ingest`` process, served by uvicorn).

Every message sent comes back as three or four webhooks, so what one costs is the product's
scale. Under gunicorn's threaded worker a webhook costs about 1.3 ms of CPU (the server's own
request handling 0.35 ms, Django's 0.13, the statement and the thread wake-ups the rest);
here about half (``bench/README.md``, "The ingest server"). The work is the receiver's own,
taken from ``webhooks.views`` and ``webhooks.services``: the body bounded and parsed, the
event stored by a statement that also checks the secret, committed before the 200, the drain
woken. Only the statement is sent differently: on this process's own pool of connections
(psycopg's asynchronous driver, configured from Django's database settings, the statement
prepared on each as the web process prepares its own), so a request
waits for PostgreSQL without a thread of its own, and with the events that arrived while the
previous statement was on its way (``Ingest.insert``: group commit, one statement and one
commit for all of them). At 64 concurrent webhooks that is 0.10-0.12 commits a webhook and
a quarter of the database's CPU per webhook (``bench/README.md``, "2026-12-04 (later)").

That is the only path taken here: an event stored. Everything else - another URL or method,
a body the receiver refuses or that is too large, a duplicate, a wrong secret, a digest to
renew, a plain-http request that production redirects - goes on, body and all, to Django's
own ASGI application, which answers it as the web process would. So every answer but
"stored" is the receiver's, and this module has no second copy of its rules.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import psycopg
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.urls import Resolver404, get_resolver, reverse
from psycopg.adapt import AdaptersMap
from psycopg_pool import AsyncConnectionPool

from core import statements
from webhooks import services, views
from webhooks.models import WebhookEvent

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Any], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Connections per process; a request waits up to POOL_TIMEOUT seconds for one, then is a
# 503 (as when the database is down), which Z-API retries.
POOL_SIZE = 8
POOL_TIMEOUT = 10.0
# Events per statement at most (``Ingest.insert``); more waiting than the statements on their
# way will take starts another.
MAX_BATCH = 100
# And bodies of this many bytes at most (one at least), whatever the URL's secret turns out to
# be: the statement carries them all.
MAX_BATCH_BYTES = 1024 * 1024

WEBHOOK_URLCONF = "webhooks.urls"


class _Waiting(NamedTuple):
    """An event waiting for its statement (``Ingest.insert``)."""

    event: WebhookEvent
    digest: str  # of its URL's secret
    answer: asyncio.Future[int | None]  # its id once written, or None
    size: int  # its body's, in bytes


_HEADERS = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff")]
_UNAVAILABLE = (503, b'{"error": "unavailable"}', [(b"retry-after", b"30")])


def pool_kwargs() -> dict[str, Any]:
    """psycopg's connection arguments for Django's default database, as Django would connect
    (its adapters and options), but with an asynchronous cursor that binds on the server, so
    that the batch statement can be prepared (``core.statements``)."""
    params = connections["default"].get_connection_params()
    params["cursor_factory"] = psycopg.AsyncCursor
    params["prepare_threshold"] = statements.PREPARE_WHEN_ASKED
    params["context"] = statements.prepared_statement_adapters(AdaptersMap(params["context"]))
    return {**params, "autocommit": True}


class Ingest:
    """The ASGI application: the receiver's stored-event path on this process's own pool,
    everything else to ``fallback`` (Django's ASGI application)."""

    def __init__(self, fallback: App | None = None) -> None:
        self.fallback: App = fallback or ASGIHandler()
        # "/webhooks/" (wherever config/urls.py mounts the app), from the URLconf itself.
        sample = reverse("webhooks:receive", kwargs={"instance_id": 0, "secret": "s"})
        self.prefix = sample.removesuffix("0/s/")
        self._pool: AsyncConnectionPool[Any] | None = None
        self._opening: asyncio.Lock | None = None
        self._waiting: list[_Waiting] = []  # events for the next statement (``insert``)
        self._writers = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.statements = 0  # statements written, each one commit
        # Its pool and statement are PostgreSQL's: on the embedded defaults (SQLite) every
        # request is Django's, as on the web process.
        self.fast = connections["default"].vendor == "postgresql"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        handler, kwargs = self._route(scope)
        if handler is None:
            await self.fallback(scope, receive, send)
            return
        limit = settings.WEBHOOK_MAX_BODY_BYTES
        body, more = await _read_body(receive, limit)
        fast = not more and len(body) <= limit
        answer = await handler(self, scope, body, **kwargs) if fast else None
        if answer is None:
            await self.fallback(scope, _replay(body, receive, more), send)
            return
        status, content, headers = answer
        await send(
            {"type": "http.response.start", "status": status, "headers": [*_HEADERS, *headers]}
        )
        await send({"type": "http.response.body", "body": content})

    def _route(self, scope: Scope) -> tuple[Any, dict[str, Any]]:
        if not self.fast or scope["type"] != "http" or scope["method"] != "POST":
            return None, {}
        if _redirected(scope):
            return None, {}
        path = scope["path"]
        if not path.startswith(self.prefix):
            return None, {}
        try:  # the webhook URLs' own patterns, not the whole URLconf's
            match = get_resolver(WEBHOOK_URLCONF).resolve("/" + path.removeprefix(self.prefix))
        except Resolver404:
            return None, {}
        return FAST.get(match.func), match.kwargs

    async def insert(self, event: WebhookEvent, digest: str, size: int = 0) -> int | None:
        """Store ``event`` if ``digest`` is its instance's webhook secret digest and it is not
        stored already: its id once committed, else None. Group commit: while one statement
        is on its way to PostgreSQL, the events that arrive wait and then go together in the
        next one, one statement and one commit for up to ``MAX_BATCH`` of them (``size``, the
        body's, counts towards ``MAX_BATCH_BYTES``), so a busy process pays the database less
        per event and an idle one adds no delay."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(event, digest, future, size))
        if len(self._waiting) > MAX_BATCH * self._writers and self._writers < POOL_SIZE:
            self._writers += 1
            writer = asyncio.create_task(self._write_waiting())
            self._tasks.add(writer)  # a task the loop only holds weakly
            writer.add_done_callback(self._tasks.discard)
        return await future

    async def _write_waiting(self) -> None:
        try:
            while self._waiting:
                await self._write(self._next_batch())
        finally:
            self._writers -= 1

    def _next_batch(self) -> list[_Waiting]:
        """The first waiting events, as many as ``MAX_BATCH`` and ``MAX_BATCH_BYTES`` allow
        (one at least)."""
        count = size = 0
        for waiting in self._waiting[:MAX_BATCH]:
            size += waiting.size
            if count and size > MAX_BATCH_BYTES:
                break
            count += 1
        batch, self._waiting = self._waiting[:count], self._waiting[count:]
        return batch

    async def _write(self, batch: list[_Waiting]) -> None:
        try:
            sql, params = services.events_insert_statement([(w.event, w.digest) for w in batch])
            pool = await self.pool()
            async with pool.connection(timeout=POOL_TIMEOUT) as conn:
                prepare = settings.DATABASE_PREPARED_STATEMENTS
                cursor = await conn.execute(sql, params, prepare=prepare)
                rows = await cursor.fetchall()
        except Exception as exc:  # each request of the batch answers it (a 503 for psycopg's)
            for waiting in batch:
                if not waiting.answer.done():
                    waiting.answer.set_exception(exc)
            return
        self.statements += 1
        written = {(instance_id, key): pk for pk, instance_id, key in rows}
        for waiting in batch:
            # A dedupe key twice in one batch is written once: the first to ask is "stored".
            pk = written.pop((waiting.event.instance_id, waiting.event.dedupe_key), None)
            if not waiting.answer.done():  # not a request gone with its client
                waiting.answer.set_result(pk)

    async def pool(self) -> AsyncConnectionPool[Any]:
        if self._pool is None:
            self._opening = self._opening or asyncio.Lock()
            async with self._opening:
                if self._pool is None:
                    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
                        kwargs=pool_kwargs(), min_size=1, max_size=POOL_SIZE, open=False
                    )
                    await pool.open()
                    self._pool = pool
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


Answer = tuple[int, bytes, list[tuple[bytes, bytes]]]


async def _store(
    ingest: Ingest, scope: Scope, body: bytes, *, instance_id: int, secret: str, kind: str = ""
) -> Answer | None:
    """``views.receive`` when the event is new and the secret right; None for the rest."""
    data = views.parse_body(body, _header(scope, b"content-type"))
    if isinstance(data, views.Refusal):
        return None
    event = services.webhook_event_new(instance_id=instance_id, data=data)
    try:
        pk = await ingest.insert(event, services.webhook_secret_digest(secret), len(body))
    except psycopg.Error:
        # Never a 200 for an event we could not store: Z-API (or whoever) must try again.
        logger.exception("webhook for instance %s not stored: database error", instance_id)
        return _UNAVAILABLE
    if pk is None:
        return None  # a duplicate, a wrong secret or a digest to renew: the receiver's to say
    if not services.webhook_drain_woken():
        # One thread for it, so the cache's client (one per thread) and its connection last.
        await asyncio.get_running_loop().run_in_executor(_WAKER, services.webhook_drain_wake)
    return 200, views.STORED, []


_WAKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drain-wake")


async def _bare(ingest: Ingest, scope: Scope, body: bytes) -> Answer:
    """``views.bare`` (the benchmark's baseline, mounted only when asked for)."""
    return 200, b"{}", []


FAST: dict[Callable[..., Any], Callable[..., Awaitable[Answer | None]]] = {
    views.receive: _store,
    views.bare: _bare,
}


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def _redirected(scope: Scope) -> bool:
    """Whether Django's SecurityMiddleware may redirect this request to https (it then goes
    to Django, which decides): SECURE_SSL_REDIRECT on and the request not seen as https."""
    if not settings.SECURE_SSL_REDIRECT or scope.get("scheme") == "https":
        return False
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, value = proxy
        name = header.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
        return _header(scope, name) != value
    return True


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, read until it is over ``limit`` bytes; and whether more is left unread."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False
        if size > limit:
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive, more: bool) -> Receive:
    """A ``receive`` that gives ``body`` again (``more``: and the rest still unread), then
    passes on: Django listens on it for the client going away while it answers."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
