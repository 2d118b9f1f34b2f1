"""What one Z-API send costs the caller in CPU, per HTTP transport behind the same httpx client.

    .venv/bin/python bench/http_transport_bench.py [--requests 3000] [--delay-ms 5] [--threads 32]

Serves a canned send answer (``{"zaapId", "messageId", "id"}`` with the dozen headers our own
server sends) from a second process on a free port, then times ``--requests`` sends through
``InstanceClient.call("send_text")`` and ``SendResult`` (what ``messaging.dispatcher.send_call``
does) in this process, once per transport: httpx's default (httpcore and h11) and
``zapi.transport.HTTPConnectionTransport`` (``http.client``, the shared client's). Prints CPU
per send (``time.process_time``: this process only; the server's work is in its own) and
their ratio. ``--delay-ms`` makes the server wait before each answer, as Z-API does;
``--threads N`` sends in bursts of N from a thread pool sharing one client, as a dispatch
round does (``messaging.rounds``; 32 is ``MESSAGING_DISPATCH_BATCH``). httpcore's pool costs
more per request the more requests share it, so the gap grows with the threads.

Nothing here needs PostgreSQL or Redis.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402

# One write per answer: a response split over two writes meets the client's delayed ACK.
_SERVER = r"""
import socket, sys, threading, time
port, delay = int(sys.argv[1]), float(sys.argv[2])
body = b'{"zaapId":"Z1","messageId":"M1","id":"M1"}'
head = (
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: gunicorn\r\n"
    "Date: Wed, 02 Dec 2026 11:13:53 GMT\r\nVary: Accept-Language, Cookie\r\n"
    "Content-Language: en\r\nX-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: same-origin\r\nCross-Origin-Opener-Policy: same-origin\r\n"
    "Permissions-Policy: camera=(), geolocation=(), microphone=(), payment=(), usb=()\r\n"
    "Content-Security-Policy: default-src 'self'; img-src 'self' data: https:\r\n"
    f"Content-Length: {len(body)}\r\n\r\n"
)
answer = head.encode() + body
listener = socket.create_server(("127.0.0.1", port), backlog=128)

def serve(conn):
    buffer = b""
    while data := conn.recv(65536):
        buffer += data
        while b"\r\n\r\n" in buffer:
            head_part, _, rest = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head_part.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if len(rest) < length:
                break
            buffer = rest[length:]
            if delay:
                time.sleep(delay)
            conn.sendall(answer)

while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
"""


def wait_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the answer server did not start")


def cpu_per_send(transport: object, base: str, requests: int, threads: int) -> float:
    from concurrent.futures import ThreadPoolExecutor, wait

    import httpx

    from zapi import InstanceClient
    from zapi.models import SendResult

    http = httpx.Client(transport=transport, timeout=5.0)  # type: ignore[arg-type]
    client = InstanceClient(base, "INSTANCE", "bench-token", http=http, max_retries=0)
    body = {"phone": "5511999990001", "message": "Olá! Seu pedido saiu para entrega."}

    def send() -> None:
        SendResult.model_validate(client.call("send_text", json=body) or {})

    pool = ThreadPoolExecutor(threads)
    bursts = max(1, requests // threads)

    def burst() -> None:
        if threads == 1:
            send()
        else:
            wait([pool.submit(send) for _ in range(threads)])

    for _ in range(max(1, 200 // threads)):  # warm: connections, caches, threads
        burst()
    started = time.process_time()
    for _ in range(bursts):
        burst()
    spent = time.process_time() - started
    pool.shutdown()
    http.close()
    return spent / (bursts * threads) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()

    import httpx

    from zapi.transport import HTTPConnectionTransport

    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", _SERVER, str(port), str(args.delay_ms / 1000)])
    try:
        wait_port(port)
        base = f"http://127.0.0.1:{port}"
        transports = [
            ("httpx default (httpcore, h11)", httpx.HTTPTransport()),
            ("zapi HTTPConnectionTransport", HTTPConnectionTransport()),
        ]
        rows = [
            (name, cpu_per_send(t, base, args.requests, args.threads)) for name, t in transports
        ]
    finally:
        server.kill()
    print(
        f"{args.requests} sends each, {args.threads} thread(s), server delay {args.delay_ms:g} ms,"
        " CPU of this process"
    )
    for name, ms in rows:
        print(f"  {name:<32} {ms:.3f} ms per send")
    print(f"http.client / httpx default: {rows[1][1] / rows[0][1]:.2f}x")


if __name__ == "__main__":
    main()
