#!/usr/bin/env python3
"""An open connection's decision does not outlive the OCSP answer it rests on: a client admitted on a kept-alive
connection with a 'good' answer whose nextUpdate is a minute ahead (openssl ocsp -nmin 1), and revoked at its
CA meanwhile, gets 403.13 on the same connection once that nextUpdate has passed: the decision is taken again
and the responder asked again. (This test waits a minute.)"""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.gateway import Gateway
from harness.http_connection import HttpConnection
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    with OcspResponder(p, next_update=["-nmin", "1"]) as responder, Upstream() as up:
        cfg = ocsp_config(p, up.url)
        cfg["limits"] = {"idle_timeout": "2m"}  # the connection waits a minute between requests
        with Gateway(cfg) as gw:
            asked_at = time.time()
            conn = HttpConnection(gw.port, cert="good", pki=p)
            r = conn.request("GET", "/before")
            check_eq(r.status, 200, "the first request, the answer good", r)
            r = conn.request("GET", "/still-cached")
            check_eq(r.status, 200, "a second request before nextUpdate", r)
            check_eq(responder.requests, 1, "OCSP requests before nextUpdate", r)

            p.revoke("good")
            # Bounded wait until the answer's nextUpdate (a minute after it was made) has passed.
            while time.time() <= asked_at + 62:
                time.sleep(0.5)
            r = conn.request("GET", "/after-next-update")
            check_eq(r.status, 403, "the same connection after nextUpdate", r)
            check(r.text.startswith("403.13 "), "body should start with '403.13 '", r)
            check(not up.requests_for("/after-next-update"), "a refused request must not reach the upstream", r)
            check_eq(responder.requests, 2, "OCSP requests after nextUpdate", r)
            conn.close()


if __name__ == "__main__":
    run_test(main)
