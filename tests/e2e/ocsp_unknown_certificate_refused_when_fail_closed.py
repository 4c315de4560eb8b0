#!/usr/bin/env python3
"""ocsp = "leaf", ocsp_fail = "closed" (the default): a certificate its CA's OCSP responder answers 'unknown'
for (it is not in the CA's index) has no revocation status, and is refused as unverifiable: 403.16, like a CA
without a loaded CRL, the reason naming the responder and the answer."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    with OcspResponder(p) as responder, Upstream() as up:
        with Gateway(ocsp_config(p, up.url)) as gw:
            resp = request(gw, "/unknown", cert="unknown", pki=p)
            entry = check_rejected(gw, up, resp, "/unknown", 403, 16)
            reason = entry.get("reason", "")
            check(reason.startswith("revocation status unknown: OCSP responder %s answered 'unknown'" % p.url),
                  "the reason names the responder and its answer: %r" % reason, resp)
            check(responder.requests == 1, "the responder was asked (%d)" % responder.requests, resp)


if __name__ == "__main__":
    run_test(main)
