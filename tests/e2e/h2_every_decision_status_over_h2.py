#!/usr/bin/env python3
"""Every status of docs/decisions.md over HTTP/2, each on its own connection (the certificate is the connection's):
no certificate 403.7, a certificate of a CA nobody trusts 403.16, expired 403.17, revoked 403.13, a deny mapping
403.12, no mapping 401.2. The body starts with status.substatus, the JSON access-log line has the substatus,
proto h2 and the stream id, and the origin sees none of them; the edge certificate is admitted."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.h2_client import connect
from harness.upstream import Upstream

DENY = {
    "name": "block",
    "permission": "deny",
    "rules": [{"field": "subject", "subfield": "CN", "match": "blocked.example.com"}],
}

CASES = [
    # (path, client certificate, status, substatus)
    ("/no-cert", None, 403, 7),
    ("/rogue", "rogue", 403, 16),
    ("/serverauth", "serverauth", 403, 16),
    ("/expired", "expired", 403, 17),
    ("/notyet", "notyet", 403, 17),
    ("/revoked", "revoked", 403, 13),
    ("/blocked", "blocked", 403, 12),
    ("/unmapped", "unmapped", 401, 2),
]


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[DENY, EDGE_MAPPING])
        cfg["tls"]["crl"] = [p.crl()]
        cfg["mapping"]["anonymous"] = False
        with Gateway(cfg) as gw:
            for path, cert, status, substatus in CASES:
                c = connect(gw, cert=cert)
                sid = c.request("GET", path)
                r = c.response(sid)
                check(r.done, "no complete response for %s (certificate %s)" % (path, cert), c)
                check_eq(r.status, status, "h2 status for %s (certificate %s)" % (path, cert), r)
                prefix = "%d.%d " % (status, substatus)
                check(r.text.startswith(prefix), "body should start with %r" % prefix, r)
                entry = gw.log_for_path(path)
                check_eq(entry.get("status"), status, "access log status for %s" % path, r)
                check_eq(entry.get("substatus"), substatus, "access log substatus for %s" % path, r)
                check_eq(entry.get("proto"), "h2", "access log proto for %s" % path, r)
                check_eq(entry.get("stream"), sid, "access log stream for %s" % path, r)
                check(not up.requests_for(path),
                      "a refused h2 request (%s) must not reach the origin" % path, r)
                c.close()

            c = connect(gw, cert="edge")
            r = c.response(c.request("GET", "/edge"))
            check_eq(r.status, 200, "h2 status for the edge certificate", r)
            check_eq(r.upstream_header("X-Client-Identity"), ["edge-user"], "identity at the origin", r)
            check_eq(gw.log_for_path("/edge").get("substatus"), 0, "access log substatus for /edge", r)


if __name__ == "__main__":
    run_test(main)
