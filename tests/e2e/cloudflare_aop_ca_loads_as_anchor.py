#!/usr/bin/env python3
"""The real Cloudflare Authenticated Origin Pulls CA (RSA-4096, unusual DN with a comma in O) loads as a
client_ca next to the test CA: the server starts, the test edge certificate is still admitted, a rogue one is
still refused."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import http_get, request, s_client
from harness.common import check, fail, pki, run_test, test_data_dir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    aop = os.path.join(test_data_dir(), "aop-certs", "cloudflare-aop-origin-pull-ca-2019-2029.pem")
    if not os.path.exists(aop):
        fail("the Cloudflare AOP CA is missing: %s (CERTGATE_TEST_DATA_DIR)" % aop)
    with Upstream() as up:
        for order, anchors in (("aop-first", [aop, p.pem("ca")]), ("aop-last", [p.pem("ca"), aop])):
            cfg = base_config(p, up.url)
            cfg["tls"]["client_ca"] = anchors
            with Gateway(cfg, name=order) as gw:
                r = request(gw, "/edge-" + order, cert="edge")
                check_admitted(gw, up, r, "/edge-" + order, "edge-user", "edge")
                r = request(gw, "/rogue-" + order, cert="rogue")
                check_rejected(gw, up, r, "/rogue-" + order, 403, 16)

                # When the server names its acceptable CAs, Cloudflare's must be among them.
                s = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                             key=p.key("edge"), request=http_get("localhost", "/s-" + order))
                check(s.status == 200, "s_client with the edge certificate", s)
                if "Acceptable client certificate CA names" in s.stdout:
                    check("origin-pull.cloudflare.net" in s.stdout, "Cloudflare's CA should be an acceptable CA", s)


if __name__ == "__main__":
    run_test(main)
