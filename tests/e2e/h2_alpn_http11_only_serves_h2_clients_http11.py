#!/usr/bin/env python3
"""`alpn = ["http/1.1"]` in [tls]: a client offering h2 and http/1.1 gets http/1.1 and is served HTTP/1.1 on that
connection; a client offering only h2 gets no protocol and HTTP/1.1; curl --http2 falls back to HTTP/1.1."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import exchange_on, request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import H2Client
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["alpn"] = ["http/1.1"]
        with Gateway(cfg) as gw:
            for offer, expected in ((["h2", "http/1.1"], "http/1.1"), (["h2"], None)):
                c = H2Client(gw.port, alpn=offer, start=False)
                check_eq(c.alpn, expected, "ALPN selected for a client offering %r" % offer)
                path = "/alpn-" + "-".join(o.replace("/", "") for o in offer)
                status, _, body = exchange_on(c.sock, ("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
                check_eq(status, 200, "HTTP/1.1 on the connection offered %r" % offer)
                check(up.wait_for(path) is not None, "%s reaches the origin" % path)
                check_eq(gw.log_for_path(path).get("proto"), "h1", "access log proto of %s" % path)
                c.close()
            r = request(gw, "/alpn-curl", extra=["--http2"])
            check_eq(r.status, 200, "curl --http2 status", r)
            with open(r.argv[r.argv.index("-D") + 1], "rb") as f:
                status_line = f.readline().decode("latin-1").strip()
            check(status_line.startswith("HTTP/1.1 "), "curl --http2 should fall back to HTTP/1.1: %r" % status_line, r)


if __name__ == "__main__":
    run_test(main)
