#!/usr/bin/env python3
"""A client that sends its request head one byte at a time, never finishing it within header_timeout = "1s",
gets 408 or is disconnected, shortly after the timeout (the timer is for the whole head, not per byte)."""
import os
import select
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request, tls_socket
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

HEAD = b"GET /slow-head HTTP/1.1\r\nHost: localhost\r\nX-Dribble: " + b"d" * 200 + b"\r\n\r\n"
LIMIT = 6.0  # seconds after which the test gives up on the gateway


def dribble(sock):
    """Sends HEAD a byte every 0.1 s until the server answers or closes. Returns (seconds, what it sent back)."""
    started = time.monotonic()
    received = b""
    for byte in HEAD:
        if time.monotonic() - started > LIMIT:
            break
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return time.monotonic() - started, received  # closed by the server
        readable, _, _ = select.select([sock], [], [], 0.1)
        if readable or sock.pending():
            try:
                data = sock.recv(4096)
            except OSError:
                return time.monotonic() - started, received
            if not data:
                return time.monotonic() - started, received
            received += data
            if b"\r\n\r\n" in received:
                return time.monotonic() - started, received
    return None, received


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"header_timeout": "1s"}
        with Gateway(cfg) as gw:
            sock = tls_socket(gw.port, cert="edge")
            try:
                elapsed, received = dribble(sock)
            finally:
                sock.close()
            check(elapsed is not None, "the gateway neither answered nor closed within %.0f s" % LIMIT)
            check(elapsed < 4.0, "the slow head should be cut off about 1 s in, took %.1f s" % elapsed)
            check(received == b"" or received.startswith(b"HTTP/1.1 408"),
                  "expected a 408 or a plain disconnect, got %r" % received[:200])
            check(not up.requests_for("/slow-head"), "the incomplete request must not reach the upstream")

            # The gateway still serves normal clients.
            r = request(gw, "/after", cert="edge")
            check_eq(r.status, 200, "a normal request after the slow one", r)


if __name__ == "__main__":
    run_test(main)
