#!/usr/bin/env python3
"""certgate's own rule 'name-constraints-in-ca-only' (RFC 5280 4.2.1.10: the extension MUST be used only in a CA
certificate): a client certificate carrying nameConstraints, which OpenSSL 3.0 ignores in a leaf, gets 403.16 with
a reason that names the rule, the depth and the subject."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

REASON = ("certificate rule 'name-constraints-in-ca-only' (RFC 5280 4.2.1.10) refuses the certificate at depth 0 "
          "(CN=edge.example.com,OU=edge,O=Example): it is not a CA certificate but carries a nameConstraints "
          "extension")


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/leaf-constraints", cert="ncleaf")
        entry = check_rejected(gw, up, r, "/leaf-constraints", 403, 16)
        check_eq(entry.get("verify"), "FAILED:" + REASON, "the access log's verify field", r)


if __name__ == "__main__":
    run_test(main)
