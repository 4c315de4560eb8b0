#!/usr/bin/env python3
"""A kept-alive connection is decided again after a SIGHUP reload that adds a CRL revoking its certificate: its
next request, on the same TLS connection, gets 403.13 and is not proxied."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection, check_one_connection
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        # "revoked" is listed on crl.pem, which the first configuration does not load.
        with HttpConnection(gw.port, cert="revoked") as conn:
            r = conn.request("GET", "/before-crl")
            check_eq(r.status, 200, "admitted while no CRL is configured", r)
            check("close" not in r.connection_tokens(), "the connection should stay open", r)

            cfg = base_config(p, up.url)
            cfg["tls"]["crl"] = [p.crl()]
            gw.reload(cfg)

            r = conn.request("GET", "/after-crl")
            check_eq(r.status, 403, "the same connection after the CRL was added", r)
            check(r.text.startswith("403.13 "), "body should start with '403.13 '", r)
            check(not up.requests_for("/after-crl"), "a refused request must not reach the upstream", r)
            check_eq(conn.wait_closed(), "closed", "how the connection ended after the refusal")

            _, after = check_one_connection(gw, conn, ["/before-crl", "/after-crl"])
            check_eq((after.get("status"), after.get("substatus")), (403, 13), "status logged after the reload")
            check(str(after.get("verify", "")).startswith("FAILED:"), "verify logged as FAILED: %r" % after)


if __name__ == "__main__":
    run_test(main)
