#!/usr/bin/env python3
"""A kept-alive connection admitted by a mapping is decided again after a SIGHUP reload that removes the mapping:
its next request, on the same TLS connection, gets 401.2 and is not proxied; the connection then closes."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection, check_one_connection
from harness.upstream import Upstream, header_values

OTHER_MAPPING = {"name": "other", "user": "other-user",
                 "rules": [{"field": "subject", "subfield": "CN", "match": "other.example.com"}]}


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        with HttpConnection(gw.port, cert="edge") as conn:
            r = conn.request("GET", "/before-reload")
            check_eq(r.status, 200, "edge admitted before the reload", r)
            check("close" not in r.connection_tokens(), "the connection should stay open", r)
            seen = up.wait_for("/before-reload")
            check_eq(header_values(seen["headers"], "X-Client-Identity"), ["edge-user"], "identity before the reload")

            # The same policy without the mapping that admitted edge.
            gw.reload(base_config(p, up.url, mappings=[OTHER_MAPPING]))

            r = conn.request("GET", "/after-reload")
            check_eq(r.status, 401, "the same connection after the reload", r)
            check(r.text.startswith("401.2 "), "body should start with '401.2 '", r)
            check(not up.requests_for("/after-reload"), "a refused request must not reach the upstream", r)
            check_eq(conn.wait_closed(), "closed", "how the connection ended after the refusal")

            before, after = check_one_connection(gw, conn, ["/before-reload", "/after-reload"])
            check_eq(before.get("identity"), "edge-user", "identity logged before the reload")
            check_eq((after.get("status"), after.get("substatus")), (401, 2), "status logged after the reload")


if __name__ == "__main__":
    run_test(main)
