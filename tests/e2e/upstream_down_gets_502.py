#!/usr/bin/env python3
"""An admitted request whose upstream refuses connections: 502, logged with the identity."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port


def main():
    p = pki()
    down = "http://127.0.0.1:%d" % free_port()  # nothing listens there
    with Gateway(base_config(p, down)) as gw:
        r = request(gw, "/down", cert="edge")
        check_eq(r.exit_code, 0, "curl exit code", r)
        check_eq(r.status, 502, "status with the upstream down", r)
        check(r.elapsed < 8, "the 502 should come promptly (took %.1f s)" % r.elapsed, r)
        entry = gw.log_for_path("/down")
        check_eq(entry.get("status"), 502, "access log status", r)
        check_eq(entry.get("identity"), "edge-user", "access log identity (the client was admitted)", r)
        # Still refused before any upstream attempt when the client is not admitted.
        r = request(gw, "/down-rogue", cert="rogue")
        check_eq(r.status, 403, "status of a rogue client with the upstream down", r)


if __name__ == "__main__":
    run_test(main)
