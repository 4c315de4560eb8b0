#!/usr/bin/env python3
"""ocsp = "leaf": a client certificate the CA's OCSP responder (named in its authorityInfoAccess, on loopback)
says is good is admitted with its mapped identity; certgate asked the responder once, with a POST of
application/ocsp-request."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    with OcspResponder(p) as responder, Upstream() as up:
        with Gateway(ocsp_config(p, up.url)) as gw:
            resp = request(gw, "/good", cert="good", pki=p)
            check_admitted(gw, up, resp, "/good", "edge-user", "edge")
            check_eq(responder.requests, 1, "OCSP requests the responder answered", resp)
            check_eq(responder.errors, [], "responder errors", resp)


if __name__ == "__main__":
    run_test(main)
