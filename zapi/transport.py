"""The one pooled HTTP client per process, with explicit timeouts.

Connections to Z-API are reused across calls (keep-alive). After a fork (Celery prefork
workers) the child must not share the parent's sockets, so the client is recreated when
the process id changes.
"""

from __future__ import annotations

import os
import threading

import httpx

# Connect fast-fails so a dead host is "never sent" quickly; read is generous because
# Z-API answers sends only after queueing them (spec 001, "Introduction").
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

_lock = threading.Lock()
_client: httpx.Client | None = None
_pid: int | None = None


def shared_http_client() -> httpx.Client:
    """The process-wide pooled client, created on first use and after a fork."""
    global _client, _pid
    with _lock:
        if _client is None or _client.is_closed or _pid != os.getpid():
            _client = httpx.Client(
                timeout=DEFAULT_TIMEOUT, limits=DEFAULT_LIMITS, follow_redirects=False
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
