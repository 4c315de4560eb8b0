#!/usr/bin/env python3
"""certgate probe finds a hole that only HTTP/2 requests get through. The origin is nginx with `ssl_verify_client
optional` and http2 on, whose refusal of requests without a verified certificate is keyed on the protocol: a `map`
on "$server_protocol:$ssl_client_verify" exempts HTTP/2.0 (a rule written when the origin spoke HTTP/1.1 only).
The case is built for the test: it shows that the probe repeats the checks over HTTP/2 and that a difference
counts, not that nginx itself treats HTTP/2 differently. Over HTTP/1.1 the origin is enforced (403 without a
certificate); over HTTP/2 the request without a certificate gets 200: NOT ENFORCED, exit 1, with exactly that
reason."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import check_scenario, nginx, probe

HTTP1_ONLY_CHECK = """    map "$server_protocol:$ssl_client_verify" $refuse_unverified {
        "~^HTTP/2\\.0:" 0;
        "~:SUCCESS$" 0;
        default 1;
    }
"""
REFUSE = "            if ($refuse_unverified) { return 403; }\n"


def main():
    p = pki()
    with nginx(p, "optional", http2=True, extra_http=HTTP1_ONLY_CHECK, extra_location=REFUSE,
               name="nginx-h2-hole") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"])
        check_eq(r.code, 1, "exit code (NOT ENFORCED)", r.run)
        check_eq(r.report["verdict"], "NOT ENFORCED", "verdict", r.run)
        check_eq(r.report["alpn"]["selected"], "h2", "the ALPN nginx selected", r.run)
        # HTTP/1.1: enforced.
        check_scenario(r, "no_certificate", "refused", "HTTP 403", "HTTP 403 passed through")
        check_scenario(r, "edge_certificate", "admitted", "HTTP 200")
        check_scenario(r, "impostor", "refused", "HTTP 400 (client certificate error)")
        # HTTP/2: the request without a certificate is served.
        s = check_scenario(r, "no_certificate", "admitted", "HTTP 200", pass_="h2")
        check_eq(s["tls"]["alpn"], "h2", "it went over HTTP/2", r.run)
        check_eq(s["number"], 4, "its number", r.run)
        check_scenario(r, "edge_certificate", "admitted", "HTTP 200", pass_="h2")
        check_scenario(r, "impostor", "refused", "HTTP 400 (client certificate error)", pass_="h2")
        check_eq(len(r.report["reasons"]), 1, "one reason", r.run)
        check(r.report["reasons"][0].startswith("(4) no client certificate over HTTP/2 is admitted (HTTP 200)"),
              "the reason names HTTP/2", r.run)


if __name__ == "__main__":
    run_test(main)
