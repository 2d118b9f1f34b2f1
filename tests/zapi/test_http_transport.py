"""The http.client transport behind the shared client, over real sockets.

Its one contract beyond "it carries the request": every failure is httpx's exception for
the phase it happened in, because the clients tell "never sent" (a claimed message may be
sent again) from "maybe delivered" (it may not) by that exception alone.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from zapi import InstanceClient, MaybeDeliveredError, NeverSentError
from zapi.transport import DEFAULT_LIMITS, HTTPConnectionTransport, shared_http_client

TOKEN = "s3cret-t0ken"


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behave: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.behave = behave
        self.connections = 0
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Recorder

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def log_message(self, *args: object) -> None:
        pass

    def handle_one(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, dict(self.headers), body))
        self.server.behave(self)

    do_GET = do_POST = handle_one


def answer(
    handler: BaseHTTPRequestHandler, data: object, *, status: int = 200, **headers: str
) -> None:
    body = json.dumps(data).encode()
    if headers.pop("gzip", None):
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for key, value in headers.items():
        handler.send_header(key.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@contextlib.contextmanager
def serving(behave: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[Recorder]:
    server = Recorder(behave)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def send(client: InstanceClient) -> object:
    """A POST: never retried, so each failure below is the first and only attempt."""
    return client.call("send_text", json={"phone": "5511999990001", "message": "hi"})


def client_for(
    base: str, transport: httpx.BaseTransport, *, timeout: httpx.Timeout | None = None
) -> InstanceClient:
    http = httpx.Client(transport=transport, timeout=timeout or httpx.Timeout(2.0))
    return InstanceClient(base, "INST1", TOKEN, http=http)


def test_the_shared_client_sends_through_http_client():
    assert isinstance(shared_http_client()._transport, HTTPConnectionTransport)


def test_a_send_carries_method_path_headers_and_json_and_reads_the_answer():
    with serving(lambda h: answer(h, {"zaapId": "Z1", "messageId": "M1", "id": "M1"})) as server:
        client = client_for(server.base, HTTPConnectionTransport())
        result = client.call(
            "send_text", json={"phone": "5511999990001", "message": "olá, <b>&</b>"}
        )
    assert result["messageId"] == "M1"
    method, path, headers, body = server.requests[0]
    assert (method, path) == ("POST", f"/instances/INST1/token/{TOKEN}/send-text")
    assert headers["Content-Type"] == "application/json"
    assert headers["Host"] == server.base.removeprefix("http://")
    assert json.loads(body) == {"phone": "5511999990001", "message": "olá, <b>&</b>"}


def test_keep_alive_reuses_one_connection_for_many_calls():
    with serving(lambda h: answer(h, {"connected": True})) as server:
        client = client_for(server.base, HTTPConnectionTransport())
        for _ in range(5):
            assert client.status().connected
    assert server.connections == 1
    assert len(server.requests) == 5


def test_query_strings_and_gzip_answers_come_through():
    with serving(lambda h: answer(h, {"connected": False}, gzip="1")) as server:
        http = httpx.Client(transport=HTTPConnectionTransport())
        response = http.get(f"{server.base}/x", params={"a": "1 2", "b": "ç"})
    assert response.json() == {"connected": False}
    assert server.requests[0][1] == "/x?a=1+2&b=%C3%A7"


def test_an_answer_that_closes_is_not_reused():
    with serving(lambda h: answer(h, {"connected": True}, Connection="close")) as server:
        client = client_for(server.base, HTTPConnectionTransport())
        client.status()
        client.status()
    assert server.connections == 2


def test_a_connection_the_server_closed_while_idle_is_not_written_to():
    def close_after_answer(handler: BaseHTTPRequestHandler) -> None:
        answer(handler, {"connected": True})
        handler.wfile.flush()
        handler.close_connection = True  # the server hangs up, the client is not told

    with serving(close_after_answer) as server:
        client = client_for(server.base, HTTPConnectionTransport())
        send(client)
        time.sleep(0.1)  # the FIN arrives: the idle socket turns readable
        send(client)  # a POST is never retried: this is a fresh connection, not "maybe delivered"
    assert server.connections == 2


def test_keepalive_expiry_drops_old_idle_connections():
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=10, keepalive_expiry=0.05)
    with serving(lambda h: answer(h, {"connected": True})) as server:
        client = client_for(server.base, HTTPConnectionTransport(limits))
        client.status()
        client.status()
        time.sleep(0.1)
        client.status()
    assert server.connections == 2


def test_refused_is_never_sent_and_names_no_secret():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = client_for(f"http://127.0.0.1:{port}", HTTPConnectionTransport())
    with pytest.raises(NeverSentError) as caught:
        send(client)
    assert "ConnectError" in caught.value.message
    assert TOKEN not in str(caught.value)


def test_unknown_host_is_never_sent():
    client = client_for("http://no-such-host.invalid", HTTPConnectionTransport())
    with pytest.raises(NeverSentError):
        send(client)


def test_a_connect_that_hangs_is_a_never_sent_connect_timeout():
    # A listening socket whose accept queue is full drops further SYNs: connect hangs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    fillers = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(address)
            fillers.append(filler)
        time.sleep(0.05)
        client = client_for(
            f"http://127.0.0.1:{address[1]}",
            HTTPConnectionTransport(),
            timeout=httpx.Timeout(5.0, connect=0.2),
        )
        with pytest.raises(NeverSentError) as caught:
            send(client)
        assert "ConnectTimeout" in caught.value.message
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_no_answer_in_time_is_maybe_delivered():
    release = threading.Event()
    with serving(lambda h: release.wait(5)) as server:
        client = client_for(
            server.base, HTTPConnectionTransport(), timeout=httpx.Timeout(5.0, read=0.2)
        )
        with pytest.raises(MaybeDeliveredError) as caught:
            send(client)
        release.set()
    assert "ReadTimeout" in caught.value.message
    assert len(server.requests) == 1  # it did arrive: sending it again would duplicate it


def test_a_hang_up_after_the_request_is_maybe_delivered():
    def hang_up(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True

    with serving(hang_up) as server:
        client = client_for(server.base, HTTPConnectionTransport())
        with pytest.raises(MaybeDeliveredError) as caught:
            send(client)
    assert "RemoteProtocolError" in caught.value.message
    assert len(server.requests) == 1


def test_a_garbled_answer_is_maybe_delivered():
    def garble(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
        handler.close_connection = True

    with serving(garble) as server:
        client = client_for(server.base, HTTPConnectionTransport())
        with pytest.raises(MaybeDeliveredError):
            send(client)


def held(
    entered: threading.Event, release: threading.Event
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A server that answers only once ``release`` is set, after saying it has the request."""

    def slow(handler: BaseHTTPRequestHandler) -> None:
        entered.set()
        release.wait(5)
        answer(handler, {"connected": True})

    return slow


def test_a_full_pool_waits_then_fails_never_sent():
    entered, release = threading.Event(), threading.Event()
    slow = held(entered, release)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    transport = HTTPConnectionTransport(limits)
    with serving(slow) as server:
        first = client_for(server.base, transport)
        second = client_for(server.base, transport, timeout=httpx.Timeout(5.0, pool=0.1))
        worker = threading.Thread(target=first.status)
        worker.start()
        assert entered.wait(5)
        with pytest.raises(NeverSentError) as caught:
            send(second)
        release.set()
        worker.join(5)
        assert "PoolTimeout" in caught.value.message
        assert len(server.requests) == 1
        assert second.status().connected  # the slot came back


def test_a_full_pool_hands_the_slot_to_a_waiter():
    entered, release = threading.Event(), threading.Event()
    slow = held(entered, release)
    transport = HTTPConnectionTransport(httpx.Limits(max_connections=1))
    with serving(slow) as server:
        client = client_for(server.base, transport)
        results: list[bool] = []
        threads = [
            threading.Thread(target=lambda: results.append(client.status().connected))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        assert entered.wait(5)
        time.sleep(0.05)
        release.set()
        for thread in threads:
            thread.join(5)
    assert results == [True, True]
    assert server.connections == 1


def test_idle_connections_beyond_the_keepalive_limit_are_closed():
    transport = HTTPConnectionTransport(
        httpx.Limits(max_connections=10, max_keepalive_connections=1)
    )
    barrier = threading.Barrier(3)

    def together(handler: BaseHTTPRequestHandler) -> None:
        barrier.wait(5)
        answer(handler, {"connected": True})

    with serving(together) as server:
        client = client_for(server.base, transport)
        threads = [threading.Thread(target=client.status) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(5)
        assert transport._idle_count == 1
        assert server.connections == 3


def test_an_unsupported_scheme_is_never_sent():
    http = httpx.Client(transport=HTTPConnectionTransport())
    with pytest.raises(httpx.UnsupportedProtocol):
        http.get("ftp://127.0.0.1/x")


def test_a_closed_transport_closes_its_idle_connections():
    with serving(lambda h: answer(h, {"connected": True})) as server:
        transport = HTTPConnectionTransport(DEFAULT_LIMITS)
        client_for(server.base, transport).status()
        assert transport._idle_count == 1
        transport.close()
        assert transport._idle_count == 0


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@contextlib.contextmanager
def serving_tls(cert_file: str, key_file: str) -> Iterator[str]:
    with serving(lambda h: answer(h, {"connected": True})) as server:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        yield f"https://localhost:{server.server_address[1]}"


def test_https_with_an_untrusted_certificate_is_never_sent(tls_files):
    with serving_tls(*tls_files) as base:
        client = client_for(base, HTTPConnectionTransport())  # certifi's roots only
        with pytest.raises(NeverSentError) as caught:
            send(client)
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message


def test_https_verifies_against_the_given_roots_and_keeps_alive(tls_files):
    cert_file, _ = tls_files
    trusting = ssl.create_default_context(cafile=cert_file)
    with serving_tls(*tls_files) as base:
        client = client_for(base, HTTPConnectionTransport(ssl_context=trusting))
        assert send(client) == {"connected": True}
        assert send(client) == {"connected": True}


def test_idle_connections_are_dropped_before_our_own_server_would_close_them():
    # The sandbox and the product run under gunicorn: reusing a connection its keep-alive
    # timer is closing resets the request after it left, a "maybe delivered" for a message
    # that never arrived.
    from gunicorn.config import Keepalive

    transport = shared_http_client()._transport
    assert isinstance(transport, HTTPConnectionTransport)
    assert transport._keepalive_expiry is not None
    assert transport._keepalive_expiry < Keepalive.default


def test_a_chunked_gzip_answer_and_an_empty_one_leave_the_connection_reusable():
    # Z-API answers through proxies that may chunk and compress: http.client undoes the
    # chunking, httpx the compression, and the connection is still good for the next call.
    payload = {"zaapId": "Z1", "messageId": "M1", "text": "é" * 500}

    def chunked(handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/empty":
            handler.send_response(204)
            handler.end_headers()
            return
        body = gzip.compress(json.dumps(payload).encode())
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for start in range(0, len(body), 64):
            piece = body[start : start + 64]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")

    with serving(chunked) as server:
        http = httpx.Client(transport=HTTPConnectionTransport())
        assert http.get(f"{server.base}/send").json() == payload
        assert http.get(f"{server.base}/empty").status_code == 204
        assert http.get(f"{server.base}/send").json() == payload
    assert server.connections == 1
