#!/usr/bin/env python3
"""[admin] listen: /healthz answers 200 "ok" and /readyz 200 once the listeners are bound; only GET and HEAD
are answered (405 otherwise), unknown paths get 404, and an oversized request head only closes the connection."""
import os
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, wait_admin
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        port = free_port()
        cfg["admin"] = {"listen": str(port)}  # a port alone: 127.0.0.1
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            check("admin listening on http://127.0.0.1:%d" % port in gw.stderr_text(), "the admin address is logged")

            status, headers, body = admin_get(port, "/healthz")
            check_eq((status, body), (200, "ok\n"), "/healthz")
            status, headers, body = admin_get(port, "/readyz")
            check_eq((status, body), (200, "ready\n"), "/readyz")
            status, headers, body = admin_get(port, "/healthz", method="HEAD")
            check_eq((status, body, headers.get("content-length")), (200, "", "3"), "HEAD /healthz")

            status, headers, body = admin_get(port, "/readyz", method="POST")
            check_eq(status, 405, "POST /readyz")
            check_eq(headers.get("allow"), "GET, HEAD", "Allow of a 405")
            status, _, _ = admin_get(port, "/")
            check_eq(status, 404, "GET /")
            status, _, _ = admin_get(port, "/admin/metrics")
            check_eq(status, 404, "GET /admin/metrics")

            # A request head beyond the admin limit: no answer, the connection is closed.
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
                data = b""
                try:
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except ConnectionResetError:
                    pass
                check(not data.startswith(b"HTTP/1.1 200"), "an oversized head must not be answered: %r" % data[:80])

            status, _, body = admin_get(port, "/healthz")
            check_eq((status, body), (200, "ok\n"), "/healthz after the oversized request")


if __name__ == "__main__":
    run_test(main)
