#!/usr/bin/env python3
"""certgate probe against nginx with `ssl_verify_client on` and http2 on the listener: offered h2, http/1.1,
nginx selects h2, so the scenarios run twice: over HTTP/1.1 (ALPN http/1.1) and again over HTTP/2. nginx answers
both the same way (400 naming the certificate problem without a certificate and for the impostor, 200 for the edge
certificate): ENFORCED over both, exit 0, and the report says ALPN h2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import check_scenario, nginx, probe


def main():
    p = pki()
    with nginx(p, "on", http2=True, name="nginx-h2-on") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1", "--ca", p.pem("ca")])
        check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
        check_eq(r.report["verdict"], "ENFORCED", "verdict", r.run)
        check_eq(r.report["alpn"]["selected"], "h2", "the ALPN nginx selected", r.run)
        check_eq(r.report["alpn"]["http2_checked"], True, "the scenarios were repeated over HTTP/2", r.run)
        check_eq(r.passes(), ["http/1.1", "h2"], "the passes", r.run)
        check_eq([s["number"] for s in r.report["scenarios"]], [1, 2, 3, 4, 5, 6], "scenario numbers", r.run)
        for pass_, alpn in (("http/1.1", "http/1.1"), ("h2", "h2")):
            for sid in ("no_certificate", "impostor"):
                s = check_scenario(r, sid, "refused", "HTTP 400 (client certificate error)", "HTTP 400 passed through",
                                   pass_=pass_)
                check_eq(s["tls"]["alpn"], alpn, "ALPN of %s in pass %s" % (sid, pass_), r.run)
            s = check_scenario(r, "edge_certificate", "admitted", "HTTP 200", pass_=pass_)
            check_eq(s["tls"]["alpn"], alpn, "ALPN of the edge certificate in pass %s" % pass_, r.run)
        check_eq(r.report["reasons"], [], "no reasons", r.run)

        text = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"], json_output=False)
        check_eq(text.code, 0, "exit code of the text report", text)
        check("ALPN: the origin selects h2 when offered h2, http/1.1: scenarios 4-6 repeat 1-3 over HTTP/2" in text.stdout,
              "the text report names the ALPN", text)
        check("over HTTP/1.1 and over HTTP/2" in text.stdout, "the text verdict names both protocols", text)


if __name__ == "__main__":
    run_test(main)
