#!/usr/bin/env python3
"""RFC 5280 4.2.1.1: a certificate from a conforming CA carries an authorityKeyIdentifier. A client certificate
without one, which OpenSSL 3.0 accepts by default, gets 403.16 under X509_V_FLAG_X509_STRICT."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/no-aki", cert="noaki")
        entry = check_rejected(gw, up, r, "/no-aki", 403, 16)
        check_eq(entry.get("verify"), "FAILED:Missing Authority Key Identifier", "the access log's verify field", r)


if __name__ == "__main__":
    run_test(main)
