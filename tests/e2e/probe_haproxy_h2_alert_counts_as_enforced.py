#!/usr/bin/env python3
"""certgate probe against HAProxy with `verify required` and `alpn h2,http/1.1`: HAProxy selects h2 and refuses a
missing or impostor certificate in the TLS layer (an alert, which in TLS 1.3 arrives on the first read, after the
client has sent the HTTP/2 preface). Over HTTP/2 as over HTTP/1.1 that alert counts as refused; the edge
certificate gets 200 over HTTP/2: ENFORCED, exit 0."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import check_scenario, haproxy, probe


def main():
    p = pki()
    with haproxy(p, "required", alpn="h2,http/1.1", name="haproxy-h2") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"])
        check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
        check_eq(r.report["alpn"]["selected"], "h2", "the ALPN HAProxy selected", r.run)
        check_eq(r.passes(), ["http/1.1", "h2"], "the passes", r.run)
        for pass_ in ("http/1.1", "h2"):
            for sid in ("no_certificate", "impostor"):
                s = check_scenario(r, sid, "refused", cloudflare="525 SSL handshake failed", pass_=pass_)
                check(s["detail"].startswith("TLS alert "), "%s in pass %s is refused by an alert" % (sid, pass_),
                      r.run)
            s = check_scenario(r, "edge_certificate", "admitted", "HTTP 200", pass_=pass_)
        check_eq(s["tls"]["alpn"], "h2", "the edge certificate's request went over HTTP/2", r.run)
        check_eq(r.report["verdict"], "ENFORCED", "verdict", r.run)


if __name__ == "__main__":
    run_test(main)
