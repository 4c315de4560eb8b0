#!/usr/bin/env python3
"""certgate probe against HAProxy with `verify required`: HAProxy refuses in the TLS layer (an alert: a visitor
would see Cloudflare's 525), admits the edge certificate (200): ENFORCED, exit 0."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import check_scenario, haproxy, probe


def main():
    p = pki()
    with haproxy(p, "required") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1", "--ca", p.pem("ca")])
        check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
        check_eq(r.report["verdict"], "ENFORCED", "verdict", r.run)
        none = check_scenario(r, "no_certificate", "refused", cloudflare="525 SSL handshake failed")
        impostor = check_scenario(r, "impostor", "refused", cloudflare="525 SSL handshake failed")
        for name, s in (("no certificate", none), ("impostor", impostor)):
            check(s["detail"].startswith("TLS alert "), "%s: refused with a TLS alert (%s)" % (name, s["detail"]), r.run)
            check_eq(s["http_status"], None, "%s: no HTTP status" % name, r.run)
        check_eq(none["tls"]["alert"], "certificate_required", "TLS 1.3 alert without a certificate", r.run)
        check_eq(impostor["tls"]["alert"], "unknown_ca", "alert for the self-signed impostor", r.run)
        check_scenario(r, "edge_certificate", "admitted", "HTTP 200")


if __name__ == "__main__":
    run_test(main)
