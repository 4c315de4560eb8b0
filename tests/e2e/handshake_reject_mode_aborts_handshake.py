#!/usr/bin/env python3
"""[server] reject = "handshake": a refused client gets a TLS alert instead of an HTTP 403/401."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import http_get, request, s_client
from harness.common import check, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def check_handshake_failed(r, up, path, what):
    check(r.exit_code in (35, 56), "%s: curl should fail in the TLS layer (exit 35 or 56)" % what, r)
    check(r.status == 0, "%s: no HTTP response expected" % what, r)
    check(not up.requests_for(path), "%s must not reach the upstream" % what, r)


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"]["reject"] = "handshake"
        with Gateway(cfg) as gw:
            check_handshake_failed(request(gw, "/rogue", cert="rogue"), up, "/rogue", "untrusted certificate")
            check_handshake_failed(request(gw, "/none", cert=None), up, "/none", "no certificate")
            check_handshake_failed(request(gw, "/unmapped", cert="unmapped"), up, "/unmapped", "unmapped certificate")
            check_handshake_failed(request(gw, "/expired", cert="expired"), up, "/expired", "expired certificate")

            s = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("rogue"),
                         key=p.key("rogue"), request=http_get("localhost", "/s-client-rogue"))
            check("alert" in s.output.lower(), "s_client should report a TLS alert", s)
            check(s.status == 0, "s_client should get no HTTP response", s)
            check(not up.requests_for("/s-client-rogue"), "the rogue s_client request must not reach the upstream", s)

            r = request(gw, "/edge", cert="edge")
            check_admitted(gw, up, r, "/edge", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
