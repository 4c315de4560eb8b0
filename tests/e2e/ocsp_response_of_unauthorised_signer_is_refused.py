#!/usr/bin/env python3
"""An OCSP response signed by a certificate of the right CA that the CA did not authorise to sign OCSP
responses (no id-kp-OCSPSigning) is not believed, even when it says 'good' or 'revoked': with ocsp_fail =
"closed" the client gets 403.16, the reason saying the response's signature was refused."""
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
    with OcspResponder(p, signer="notsigner") as responder, Upstream() as up:
        with Gateway(ocsp_config(p, up.url)) as gw:
            resp = request(gw, "/forged", cert="good", pki=p)
            entry = check_rejected(gw, up, resp, "/forged", 403, 16)
            reason = entry.get("reason", "")
            check(("OCSP responder %s sent a response certgate refuses: its signature does not verify" % p.url)
                  in reason, "the reason says the response was refused: %r" % reason, resp)
            check(responder.requests == 1, "the responder was asked (%d)" % responder.requests, resp)


if __name__ == "__main__":
    run_test(main)
