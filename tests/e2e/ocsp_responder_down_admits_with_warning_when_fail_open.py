#!/usr/bin/env python3
"""ocsp = "leaf", ocsp_fail = "open": when the OCSP responder cannot be reached, a certificate that verifies is
admitted with its identity, and certgate logs a warning naming the certificate and the responder."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import request
from harness.common import check, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))  # no responder is started
    with Upstream() as up:
        with Gateway(ocsp_config(p, up.url, ocsp_fail="open")) as gw:
            resp = request(gw, "/open", cert="good", pki=p)
            check_admitted(gw, up, resp, "/open", "edge-user", "edge")
            warnings = [line for line in gw.stderr_text().splitlines() if "admitted because ocsp_fail" in line]
            check(len(warnings) == 1, "one warning for the unchecked certificate: %r" % warnings, resp)
            check("revocation status of the certificate 'CN=edge.example.com" in warnings[0] and
                  "OCSP responder %s is unreachable" % p.url in warnings[0] and "warn" in warnings[0].lower(),
                  "the warning names the certificate and the responder: %r" % warnings[0], resp)


if __name__ == "__main__":
    run_test(main)
