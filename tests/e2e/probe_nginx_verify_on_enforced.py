#!/usr/bin/env python3
"""certgate probe against nginx with `ssl_verify_client on`: nginx finishes the handshake and answers 400 "No
required SSL certificate was sent" without a certificate and 400 "The SSL certificate error" for the impostor
(its 496 and 495, sent as 400). Both count as refused (a 400 whose body names an SSL certificate problem), the
edge certificate gets 200: ENFORCED, exit 0."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check_eq, pki, run_test
from harness.origins import check_scenario, nginx, probe


def main():
    p = pki()
    with nginx(p, "on") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1", "--ca", p.pem("ca")])
        check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
        check_eq(r.report["verdict"], "ENFORCED", "verdict", r.run)
        for sid in ("no_certificate", "impostor"):
            s = check_scenario(r, sid, "refused", "HTTP 400 (client certificate error)", "HTTP 400 passed through")
            check_eq(s["tls"]["ok"], True, "nginx completes the handshake for %s" % sid, r.run)
        check_scenario(r, "edge_certificate", "admitted", "HTTP 200", "the origin's response (HTTP 200)")
        check_eq(r.report["origin_certificate"]["verified"], True, "nginx's certificate verifies", r.run)


if __name__ == "__main__":
    run_test(main)
