#!/usr/bin/env python3
"""certgate probe against nginx with `ssl_verify_client off`: nginx asks for no certificate and admits every
request, so both (1) no certificate and (3) the impostor are admitted: NOT ENFORCED with two reasons, exit 1."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import check_scenario, nginx, probe


def main():
    p = pki()
    with nginx(p, "off") as origin:
        r = probe(["https://127.0.0.1:%d/" % origin.port])
        check_eq(r.code, 1, "exit code (NOT ENFORCED)", r.run)
        check_eq(r.report["verdict"], "NOT ENFORCED", "verdict", r.run)
        for sid in ("no_certificate", "edge_certificate", "impostor"):
            check_scenario(r, sid, "admitted", "HTTP 200")
        reasons = r.report["reasons"]
        check_eq(len(reasons), 2, "two reasons", r.run)
        check(reasons[0].startswith("(1) no client certificate is admitted"), "reason 1", r.run)
        check(reasons[1].startswith("(3) impostor (self-signed, same subject) is admitted") and
              "does not verify who issued the certificate" in reasons[1], "reason 2", r.run)


if __name__ == "__main__":
    run_test(main)
