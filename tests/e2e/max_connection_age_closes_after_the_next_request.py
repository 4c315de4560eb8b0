#!/usr/bin/env python3
"""[limits] max_connection_age = "3s": a request on a younger connection keeps it; the first request after the
age has passed is served with Connection: close, and the gateway closes the connection after it."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection, check_one_connection
from harness.upstream import Upstream

AGE = 3.0


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"max_connection_age": "3s"}
        with Gateway(cfg) as gw, HttpConnection(gw.port, cert="edge") as conn:
            opened = time.monotonic()
            r = conn.request("GET", "/young")
            check_eq(r.status, 200, "status on a young connection", r)
            check("close" not in r.connection_tokens(), "a young connection should be kept", r)

            # Bounded wait until the connection is older than max_connection_age.
            while time.monotonic() - opened < AGE + 0.5:
                time.sleep(0.1)

            r = conn.request("GET", "/old")
            check_eq(r.status, 200, "the first request after max_connection_age is still served", r)
            check("close" in r.connection_tokens(), "it should carry Connection: close", r)
            check_eq(conn.wait_closed(), "closed", "the connection after that response")
            check_one_connection(gw, conn, ["/young", "/old"])


if __name__ == "__main__":
    run_test(main)
