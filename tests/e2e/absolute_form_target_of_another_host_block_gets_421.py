#!/usr/bin/env python3
"""The host block is chosen by the absolute-form target's authority, not by Host: on a connection decided by the
default block (SNI localhost), a request for https://b.test/x, even with Host: localhost, gets 421 Misdirected
Request and is not proxied (b.test's policy never judged this certificate)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.http_connection import HttpConnection
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        for target in ("https://b.test/other-block", "http://B.TEST:%d/other-block-port" % gw.port):
            with HttpConnection(gw.port, cert="edge", server_hostname="localhost") as conn:
                conn.send("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % target)
                r = conn.read_response()
                check_eq(r.status, 421, "status for %s on a localhost connection" % target, r)
                check(r.text.startswith("421 "), "body should start with '421 '", r)
                check_eq(conn.wait_closed(), "closed", "the connection after a 421")
        check(not up.requests, "a misdirected request must not reach the origin: %r" % up.requests)
        check_eq(gw.wait_log(lambda e: e.get("path") == "https://b.test/other-block").get("status"), 421,
                 "status logged")


if __name__ == "__main__":
    run_test(main)
