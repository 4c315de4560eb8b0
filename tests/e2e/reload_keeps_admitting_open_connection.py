#!/usr/bin/env python3
"""A SIGHUP reload that changes nothing about a kept-alive connection's admission keeps admitting it on the same
TLS connection, under the new configuration: here the reload adds an unrelated mapping and renames the identity
header, and the next request on the connection reaches the origin with the identity under the new name."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
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

            cfg = base_config(p, up.url, mappings=[OTHER_MAPPING, EDGE_MAPPING])
            cfg["headers"] = {"identity": "X-Remote-User"}
            gw.reload(cfg)

            for path in ("/after-reload", "/after-reload-again"):
                r = conn.request("GET", path)
                check_eq(r.status, 200, "the same connection after the reload (%s)" % path, r)
                check("close" not in r.connection_tokens(), "the connection should stay open", r)
                seen = up.wait_for(path)
                check(seen is not None, "%s should reach the upstream" % path)
                check_eq(header_values(seen["headers"], "X-Remote-User"), ["edge-user"],
                         "identity under the reloaded header name (%s)" % path)
                check_eq(header_values(seen["headers"], "X-Client-Identity"), [],
                         "the old identity header name after the reload (%s)" % path)

            entries = check_one_connection(gw, conn, ["/before-reload", "/after-reload", "/after-reload-again"])
            for e in entries:
                check_eq((e.get("status"), e.get("identity")), (200, "edge-user"), "logged status and identity")


if __name__ == "__main__":
    run_test(main)
