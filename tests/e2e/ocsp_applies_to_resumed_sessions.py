#!/usr/bin/env python3
"""A resumed TLS session is checked with OCSP like a full handshake (the OCSP answer is not part of the
session): a revoked certificate refused with 403.13 on its full handshake is refused again, 403.13, when its
session is resumed; a good certificate's resumed session is admitted from the host block's cached answer (the
chain is built again for the lookup: a resumed session keeps only what the client sent), without asking the
responder again."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import session_context, session_exchange
from harness.common import check, check_eq, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, OcspResponder, ocsp_config
from harness.upstream import Upstream


def get(path):
    return "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path


def main():
    p = OcspPki(subdir("ocsp-pki"))
    with OcspResponder(p) as responder, Upstream() as up:
        with Gateway(ocsp_config(p, up.url)) as gw:
            for cert, status, text in (("revoked", 403, "403.13 "), ("good", 200, None)):
                ctx = session_context(cert=cert, pki=p)
                first = session_exchange(gw.port, ctx, "localhost", get("/full-" + cert))
                check_eq(first.status, status, "%s: the full handshake" % cert, first)
                check(first.session is not None, "%s: the gateway gave a session" % cert, first)
                again = session_exchange(gw.port, ctx, "localhost", get("/resumed-" + cert), session=first.session)
                check(again.reused, "%s: the session was resumed" % cert, again)
                check_eq(again.status, status, "%s: the resumed session" % cert, again)
                if text:
                    check(again.text.startswith(text), "%s: body should start with %r" % (cert, text), again)
                entry = gw.log_for_path("/resumed-" + cert)
                check_eq(entry.get("resumed"), True, "%s: logged as resumed" % cert, again)
            check_eq(responder.requests, 2, "OCSP requests: one per certificate, resumptions served from the cache")
            check(not up.requests_for("/resumed-revoked"), "the refused request must not reach the upstream")


if __name__ == "__main__":
    run_test(main)
