#!/usr/bin/env python3
"""mode = "require" and no client certificate: 403.7, logged with verify NONE, nothing sent upstream."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/no-cert", cert=None)
        entry = check_rejected(gw, up, r, "/no-cert", 403, 7)
        check_eq(entry.get("verify"), "NONE", "access log verify without a certificate", r)

        # The same gateway admits the edge certificate: the 403 above is about the missing certificate.
        r = request(gw, "/with-cert", cert="edge")
        check_admitted(gw, up, r, "/with-cert", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
