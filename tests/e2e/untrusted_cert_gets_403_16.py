#!/usr/bin/env python3
"""A client certificate that does not verify (issued by a CA nobody trusts, or with the wrong EKU): 403.16."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        # Same subject as the edge certificate, so only the trust decision can refuse it.
        r = request(gw, "/rogue", cert="rogue")
        entry = check_rejected(gw, up, r, "/rogue", 403, 16)
        check(str(entry.get("verify", "")).startswith("FAILED:"), "verify should be FAILED:<reason>: %r" % entry, r)

        # Trusted issuer, but the certificate is for servers only (EKU serverAuth).
        r = request(gw, "/serverauth-only", cert="serverauth")
        check_rejected(gw, up, r, "/serverauth-only", 403, 16)

        r = request(gw, "/edge", cert="edge")
        check_admitted(gw, up, r, "/edge", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
