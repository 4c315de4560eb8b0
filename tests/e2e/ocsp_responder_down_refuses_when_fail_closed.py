#!/usr/bin/env python3
"""ocsp = "leaf", ocsp_fail = "closed": when the OCSP responder the certificate names cannot be reached (nothing
listens on its port), a certificate that verifies is refused with 403.16, the reason saying the responder is
unreachable."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))  # no responder is started
    with Upstream() as up:
        with Gateway(ocsp_config(p, up.url, ocsp_fail="closed")) as gw:
            resp = request(gw, "/down", cert="good", pki=p)
            entry = check_rejected(gw, up, resp, "/down", 403, 16)
            reason = entry.get("reason", "")
            check(reason.startswith("revocation status unknown: OCSP responder %s is unreachable: connection refused"
                                    % p.url), "the reason says the responder is unreachable: %r" % reason, resp)
            check("ocsp_fail = \"open\"" in reason,
                  "the fix names ocsp_fail: %r" % reason, resp)


if __name__ == "__main__":
    run_test(main)
