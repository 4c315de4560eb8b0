#!/usr/bin/env python3
"""ocsp = "leaf": a client certificate that verifies against client_ca (no CRL is configured) but that the CA's
OCSP responder says is revoked gets 403.13, like one on a CRL; the reason names OCSP and the responder, the
cause says when and why it was revoked."""
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
            resp = request(gw, "/revoked", cert="revoked", pki=p)
            entry = check_rejected(gw, up, resp, "/revoked", 403, 13)
            reason = entry.get("reason", "")
            check("certificate revoked (OCSP responder %s: revoked at " % p.url in reason,
                  "the reason names OCSP and the responder: %r" % reason, resp)
            check("reason keyCompromise" in reason, "the reason says why: %r" % reason, resp)
            check("cause: the OCSP responder %s says the certificate 'CN=edge.example.com" % p.url in reason,
                  "the cause names the certificate: %r" % reason, resp)
            check(responder.requests == 1, "the responder was asked once (%d)" % responder.requests, resp)


if __name__ == "__main__":
    run_test(main)
