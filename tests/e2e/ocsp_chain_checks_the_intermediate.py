#!/usr/bin/env python3
"""ocsp = "chain" asks about every certificate below the trust anchor, each at the responder its own AIA names:
a good leaf under an intermediate that the root's responder says is revoked gets 403.13 at depth 1. With
ocsp = "leaf" the same client is admitted: only its own certificate is asked about."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    p.add_intermediate("int")
    p.revoke("int")
    with OcspResponder(p) as root, OcspResponder(p, ca="int") as inter, Upstream() as up:
        with Gateway(ocsp_config(p, up.url, ocsp="chain"), name="chain") as gw:
            resp = request(gw, "/chain", cert="int-leaf-chain", pki=p)
            entry = check_rejected(gw, up, resp, "/chain", 403, 13)
            reason = entry.get("reason", "")
            check(reason.startswith("certificate revoked (OCSP responder http://127.0.0.1:%d/: revoked at " % p.port)
                  and "(depth 1)" in reason, "the reason names the root's responder and depth 1: %r" % reason, resp)
            check_eq((inter.requests, root.requests), (1, 1), "requests to the intermediate's and the root's responder",
                     resp)
        with Gateway(ocsp_config(p, up.url, ocsp="leaf"), name="leaf") as gw:
            resp = request(gw, "/leaf", cert="int-leaf-chain", pki=p)
            check_admitted(gw, up, resp, "/leaf", "edge-user", "edge")
            check_eq((inter.requests, root.requests), (2, 1), "the leaf mode asked the intermediate's responder only",
                     resp)


if __name__ == "__main__":
    run_test(main)
