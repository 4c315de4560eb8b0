#!/usr/bin/env python3
"""certgate probe against nginx with `ssl_verify_client optional`. nginx still refuses a certificate that fails
verification (400 "The SSL certificate error": the impostor is refused), but a request with no certificate at all
is served: NOT ENFORCED, exit 1, with exactly that reason. With the check nginx's documentation pairs with
`optional` (`if ($ssl_client_verify != SUCCESS) { return 403; }`) the same origin is ENFORCED."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.origins import check_scenario, nginx, probe


def main():
    p = pki()
    with nginx(p, "optional", name="nginx-optional") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"])
        check_eq(r.code, 1, "exit code (NOT ENFORCED)", r.run)
        check_scenario(r, "no_certificate", "admitted", "HTTP 200")
        check_scenario(r, "edge_certificate", "admitted", "HTTP 200")
        check_scenario(r, "impostor", "refused", "HTTP 400 (client certificate error)", "HTTP 400 passed through")
        check_eq(len(r.report["reasons"]), 1, "one reason", r.run)
        check(r.report["reasons"][0].startswith("(1) no client certificate is admitted"), "the reason", r.run)

    check_verify = "            if ($ssl_client_verify != SUCCESS) { return 403; }\n"
    with nginx(p, "optional", extra_location=check_verify, name="nginx-optional-checked") as origin:
        r = probe(["https://localhost:%d/" % origin.port, "--connect", "127.0.0.1"])
        check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
        check_scenario(r, "no_certificate", "refused", "HTTP 403", "HTTP 403 passed through")
        check_scenario(r, "edge_certificate", "admitted", "HTTP 200")
        # nginx answers a failed verification before the location's check runs.
        check_scenario(r, "impostor", "refused", "HTTP 400 (client certificate error)")


if __name__ == "__main__":
    run_test(main)
