#!/usr/bin/env python3
"""Over [limits] max_connections, a new connection is closed at once and the refusal is logged; once a slot is
free again, new connections are served."""
import os
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import curl, tls_socket
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"] = {"workers": 1}
        cfg["limits"] = {"max_connections": 2}
        with Gateway(cfg) as gw:
            held = [tls_socket(gw.port, pki=p), tls_socket(gw.port, pki=p)]
            refused = False
            try:
                extra = tls_socket(gw.port, pki=p, timeout=5)
                extra.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                refused = extra.recv(1) == b""
            except (ssl.SSLError, ConnectionError, OSError):
                refused = True
            check(refused, "a third connection over max_connections = 2 must be closed")
            deadline = time.monotonic() + 5
            while "max_connections (2) reached" not in gw.stderr_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            check("max_connections (2) reached" in gw.stderr_text(), "the refusal must be logged", gw.stderr_text())

            for s in held:
                s.close()
            # The slots free up once the server notices the closed connections.
            r = None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                r = curl(gw.url("/after"), cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"), timeout=5)
                if r.status == 200:
                    break
                time.sleep(0.1)
            check_eq(r.status, 200, "served again once connections were closed", r)


if __name__ == "__main__":
    run_test(main)
