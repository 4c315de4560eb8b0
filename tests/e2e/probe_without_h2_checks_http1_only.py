#!/usr/bin/env python3
"""certgate probe against origins that do not select h2: nginx with `ssl_verify_client on` and no http2 selects
http/1.1 when offered h2, http/1.1; HAProxy with no `alpn` on its bind selects nothing. The probe says so
(alpn.selected "http/1.1", then null) and keeps only the HTTP/1.1 scenarios: three, numbered 1-3, ENFORCED."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import haproxy, nginx, probe


def check_http1_only(r, selected):
    check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
    check_eq(r.report["alpn"]["known"], True, "a handshake offering h2 completed", r.run)
    check_eq(r.report["alpn"]["selected"], selected, "the ALPN selected", r.run)
    check_eq(r.report["alpn"]["http2_checked"], False, "nothing was checked over HTTP/2", r.run)
    check_eq(r.passes(), ["http/1.1"], "only the HTTP/1.1 pass is reported", r.run)
    check_eq([s["number"] for s in r.report["scenarios"]], [1, 2, 3], "scenario numbers", r.run)


def main():
    p = pki()
    with nginx(p, "on", name="nginx-no-h2") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"])
        check_http1_only(r, "http/1.1")
        text = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"], json_output=False)
        check("ALPN: the origin selects http/1.1 when offered h2, http/1.1: HTTP/1.1 only" in text.stdout, "the text report", text)
    with haproxy(p, "required", name="haproxy-no-alpn") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"])
        check_http1_only(r, None)


if __name__ == "__main__":
    run_test(main)
