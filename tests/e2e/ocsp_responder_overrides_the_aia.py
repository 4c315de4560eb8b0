#!/usr/bin/env python3
"""ocsp_responder replaces the responder of the certificate's authorityInfoAccess: a certificate without any
AIA is checked at the configured responder and admitted; a certificate whose AIA names the live responder is
refused (fail closed) when ocsp_responder names one that is down, since the AIA is not asked. Without either,
there is no responder to ask: 403.16 saying so."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.gateway import Gateway, free_port
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def main():
    p = OcspPki(subdir("ocsp-pki"))
    down = "http://127.0.0.1:%d/ocsp" % free_port()
    with OcspResponder(p) as responder, Upstream() as up:
        with Gateway(ocsp_config(p, up.url, ocsp_responder=p.url), name="configured") as gw:
            resp = request(gw, "/no-aia", cert="noaia", pki=p)
            check_admitted(gw, up, resp, "/no-aia", "edge-user", "edge")
            check_eq(responder.requests, 1, "the configured responder was asked", resp)
        with Gateway(ocsp_config(p, up.url, ocsp_responder=down), name="down") as gw:
            resp = request(gw, "/aia-not-asked", cert="good", pki=p)
            entry = check_rejected(gw, up, resp, "/aia-not-asked", 403, 16)
            check(("OCSP responder %s is unreachable" % down) in entry.get("reason", ""),
                  "the configured responder is named: %r" % entry.get("reason"), resp)
            check_eq(responder.requests, 1, "the AIA's responder was not asked", resp)
        with Gateway(ocsp_config(p, up.url), name="none") as gw:
            resp = request(gw, "/nobody", cert="noaia", pki=p)
            entry = check_rejected(gw, up, resp, "/nobody", 403, 16)
            check(entry.get("reason", "").startswith(
                "revocation status unknown: no OCSP responder to ask: the certificate names none in its "
                "authorityInfoAccess and ocsp_responder is not set"), "no responder: %r" % entry.get("reason"), resp)


if __name__ == "__main__":
    run_test(main)
