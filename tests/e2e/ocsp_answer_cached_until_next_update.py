#!/usr/bin/env python3
"""A good OCSP answer is kept by the host block until its nextUpdate (a day ahead here): a second connection
with the same certificate, after the responder has gone away, is admitted without asking it again. A
certificate that has no answer in the cache is then refused (fail closed): the cache, not the responder's
absence, admitted the second connection."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    # A second good certificate, never asked about before the responder goes.
    p.pki.issue("good2", "/O=Example/OU=edge/CN=edge.example.com", "ca", extensions="v3_client_ocsp")
    with Upstream() as up:
        with Gateway(ocsp_config(p, up.url)) as gw:
            with OcspResponder(p) as responder:
                resp = request(gw, "/first", cert="good", pki=p)
                check_admitted(gw, up, resp, "/first", "edge-user", "edge")
                check_eq(responder.requests, 1, "OCSP requests for the first connection", resp)
            resp = request(gw, "/second", cert="good", pki=p)
            check_admitted(gw, up, resp, "/second", "edge-user", "edge")
            check_eq(responder.requests, 1, "OCSP requests after the second connection", resp)
            resp = request(gw, "/other", cert="good2", pki=p)
            check_rejected(gw, up, resp, "/other", 403, 16)


if __name__ == "__main__":
    run_test(main)
