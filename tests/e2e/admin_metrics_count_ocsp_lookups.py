#!/usr/bin/env python3
"""/metrics counts each certificate's OCSP status by result and source: a good answer from the responder, the
same answer from the host block's cache on the next connection, a revoked one, and an error when the
responder has gone away (certgate_ocsp_lookups_total)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, value, wait_admin
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.gateway import Gateway, free_port
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    p.pki.issue("good2", "/O=Example/OU=edge/CN=edge.example.com", "ca", extensions="v3_client_ocsp")
    with Upstream() as up:
        cfg = ocsp_config(p, up.url)
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            with OcspResponder(p):
                check_eq(request(gw, "/good", cert="good", pki=p).status, 200, "good, from the responder")
                check_eq(request(gw, "/again", cert="good", pki=p).status, 200, "good, from the cache")
                check_eq(request(gw, "/revoked", cert="revoked", pki=p).status, 403, "revoked")
            check_eq(request(gw, "/down", cert="good2", pki=p).status, 403, "responder gone")
            status, _, text = admin_get(port, "/metrics")
            check_eq(status, 200, "/metrics")
            counts = {(result, source): value(text, "certgate_ocsp_lookups_total", result=result, source=source)
                      for result in ("good", "revoked", "unknown", "error") for source in ("responder", "cache")}
            check_eq({k: v for k, v in counts.items() if v},
                     {("good", "responder"): 1, ("good", "cache"): 1, ("revoked", "responder"): 1,
                      ("error", "responder"): 1}, "OCSP lookups by result and source")


if __name__ == "__main__":
    run_test(main)
