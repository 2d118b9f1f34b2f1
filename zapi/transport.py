"""The one pooled HTTP client per process, with explicit timeouts.

Connections to Z-API are reused across calls (keep-alive). After a fork (Celery prefork
workers) the child must not share the parent's sockets, so the client is recreated when
the process id changes.

The client is httpx (the seam every test mocks), but its transport is the standard
library's ``http.client`` rather than httpcore and h11: with a dispatch round's 32 sends in
flight on one client a send costs 0.6x the CPU that way (0.88x alone: httpcore's pool costs
more per request the more threads share it; ``bench/http_transport_bench.py``), and the
dispatcher pays it per message. The transport keeps httpx's exception contract exactly,
because the callers tell "never sent" from "maybe delivered" by it (``zapi.clients.base``):
a failure before the request's first byte left is a ``ConnectError``/``ConnectTimeout``/
``PoolTimeout``; anything after is a write or read error.
"""

from __future__ import annotations

import http.client
import os
import select
import ssl
import threading
import time
from collections import deque
from typing import Any

import certifi
import httpx

# Connect fast-fails so a dead host is "never sent" quickly; read is generous because
# Z-API answers sends only after queueing them (spec 001, "Introduction").
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
# A dispatcher worker sends to many numbers at once from one process: keep enough
# connections alive that a round does not reconnect (20 made one new connection per 7 sends).
# An idle connection is reused only well inside the server's own idle timeout (gunicorn's
# default is 2 s, proxies' 5-75 s): a request that meets the server closing it is reset, and a
# reset after the request left is "maybe delivered", so the message turns uncertain (seen in
# outbound_bench at 5 s, httpx's default).
KEEPALIVE_EXPIRY_SECONDS = 1.5
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=100, keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS
)

Origin = tuple[str, str, int]


class HTTPConnectionTransport(httpx.BaseTransport):
    """httpx's transport seam over pooled ``http.client`` connections (HTTP/1.1).

    Each response is read whole before it is returned (Z-API answers are small JSON), so a
    connection goes back to the pool as soon as ``handle_request`` returns. The pool is
    bounded by ``limits``: a request that finds ``max_connections`` busy waits up to the
    ``pool`` timeout and then fails with ``PoolTimeout``, never sent.
    """

    def __init__(
        self,
        limits: httpx.Limits = DEFAULT_LIMITS,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        unlimited = 1 << 30  # httpx's None
        self._max_connections = limits.max_connections or unlimited
        self._max_keepalive = min(
            limits.max_keepalive_connections or unlimited, self._max_connections
        )
        self._keepalive_expiry = limits.keepalive_expiry
        self._ssl_context = ssl_context
        self._lock = threading.Condition()
        self._idle: dict[Origin, deque[tuple[http.client.HTTPConnection, float]]] = {}
        self._idle_count = 0
        self._busy = 0
        self._closed = False

    # -- httpx.BaseTransport -----------------------------------------------------
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        url = request.url
        origin: Origin = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        if origin[0] not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"Unsupported URL scheme {origin[0]!r}")
        conn = self._acquire(origin, timeouts)
        reusable = False
        try:
            status, reason, headers, body, reusable = self._exchange(conn, request, timeouts)
        finally:
            self._release(origin, conn, reusable)
        return httpx.Response(
            status,
            headers=headers,
            content=body,
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("latin-1")},
        )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle, self._idle_count = self._idle, {}, 0
        for connections in idle.values():
            for conn, _ in connections:
                conn.close()

    # -- pool ------------------------------------------------------------------------
    def _acquire(self, origin: Origin, timeouts: dict[str, Any]) -> http.client.HTTPConnection:
        pool_timeout = timeouts.get("pool")
        deadline = None if pool_timeout is None else time.monotonic() + pool_timeout
        stale: list[http.client.HTTPConnection] = []
        try:
            with self._lock:
                while True:
                    if self._closed:
                        raise RuntimeError("the transport is closed")
                    conn = self._take_idle(origin, stale)
                    if conn is not None:
                        self._busy += 1
                        return conn
                    if self._busy + self._idle_count < self._max_connections:
                        self._busy += 1
                        break
                    if self._idle_count and self._evict_one(stale):
                        continue
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise httpx.PoolTimeout("no connection free in the pool")
                    self._lock.wait(remaining)
        finally:
            for old in stale:
                old.close()
        try:
            return self._connect(origin, timeouts.get("connect"))
        except BaseException:
            with self._lock:
                self._busy -= 1
                self._lock.notify()
            raise

    def _take_idle(
        self, origin: Origin, stale: list[http.client.HTTPConnection]
    ) -> http.client.HTTPConnection | None:
        connections = self._idle.get(origin)
        now = time.monotonic()
        while connections:
            conn, since = connections.pop()
            self._idle_count -= 1
            expired = self._keepalive_expiry is not None and now - since > self._keepalive_expiry
            if expired or _dropped(conn):
                # The server closed it (or sent bytes nobody asked for): never write to it.
                stale.append(conn)
                continue
            return conn
        return None

    def _evict_one(self, stale: list[http.client.HTTPConnection]) -> bool:
        """Close the oldest idle connection of any origin to make room for another origin."""
        for connections in self._idle.values():
            if connections:
                stale.append(connections.popleft()[0])
                self._idle_count -= 1
                return True
        return False

    def _release(self, origin: Origin, conn: http.client.HTTPConnection, reusable: bool) -> None:
        with self._lock:
            self._busy -= 1
            keep = reusable and not self._closed and self._idle_count < self._max_keepalive
            if keep:
                self._idle.setdefault(origin, deque()).append((conn, time.monotonic()))
                self._idle_count += 1
            self._lock.notify()
        if not keep:
            conn.close()

    def _connect(self, origin: Origin, timeout: float | None) -> http.client.HTTPConnection:
        scheme, host, port = origin
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._ssl_context or _default_ssl_context()
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.connect()  # TCP and, for https, the TLS handshake: nothing of the request yet
        except TimeoutError as exc:
            raise _failed(conn, httpx.ConnectTimeout, exc) from exc
        except OSError as exc:  # refused, unreachable, DNS (gaierror), TLS (SSLError)
            raise _failed(conn, httpx.ConnectError, exc) from exc
        return conn  # http.client has set TCP_NODELAY: the request goes out in one write

    # -- one request and its answer ------------------------------------------------
    def _exchange(
        self, conn: http.client.HTTPConnection, request: httpx.Request, timeouts: dict[str, Any]
    ) -> tuple[int, str, list[tuple[str, str]], bytes, bool]:
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in request.headers.raw
        }
        conn.sock.settimeout(timeouts.get("write"))
        try:
            conn.request(request.method, target, body=body or None, headers=headers)
        except TimeoutError as exc:
            raise _failed(conn, httpx.WriteTimeout, exc) from exc
        except OSError as exc:
            raise _failed(conn, httpx.WriteError, exc) from exc
        conn.sock.settimeout(timeouts.get("read"))
        try:
            response = conn.getresponse()
            content = response.read()
        except TimeoutError as exc:
            raise _failed(conn, httpx.ReadTimeout, exc) from exc
        except http.client.HTTPException as exc:  # RemoteDisconnected, bad status line...
            raise _failed(conn, httpx.RemoteProtocolError, exc) from exc
        except OSError as exc:
            raise _failed(conn, httpx.ReadError, exc) from exc
        return (
            response.status,
            response.reason,
            response.getheaders(),
            content,
            not response.will_close,
        )


def _failed(
    conn: http.client.HTTPConnection, kind: type[httpx.TransportError], exc: BaseException
) -> httpx.TransportError:
    """The connection is closed (never reused after a failure) and the failure named as httpx
    names it for this phase."""
    conn.close()
    return kind(str(exc) or type(exc).__name__)


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """An idle keep-alive socket is readable only when the server closed it (or misbehaved)."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


_ssl_context: ssl.SSLContext | None = None


def _default_ssl_context() -> ssl.SSLContext:
    """Verified TLS against certifi's roots, as httpx's own default does."""
    global _ssl_context
    if _ssl_context is None:
        _ssl_context = ssl.create_default_context(cafile=certifi.where())
    return _ssl_context


_lock = threading.Lock()
_client: httpx.Client | None = None
_pid: int | None = None


def shared_http_client() -> httpx.Client:
    """The process-wide pooled client, created on first use and after a fork."""
    global _client, _pid
    with _lock:
        if _client is None or _client.is_closed or _pid != os.getpid():
            _client = httpx.Client(
                timeout=DEFAULT_TIMEOUT,
                transport=HTTPConnectionTransport(DEFAULT_LIMITS),
                follow_redirects=False,
            )
            _pid = os.getpid()
        return _client


def close_shared_http_client() -> None:
    """Close the pooled client (tests, worker shutdown)."""
    global _client
    with _lock:
        if _client is not None and _pid == os.getpid():
            _client.close()
        _client = None
