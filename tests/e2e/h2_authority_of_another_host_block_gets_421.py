#!/usr/bin/env python3
"""Over HTTP/2 a stream whose :authority names another host block than the connection's SNI gets 421 and never
reaches the origin, in both directions; on the same connections a stream for the SNI's own block is admitted."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway
from harness.h2_client import connect
from harness.hosts import two_host_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        for sni, cert, other, own, user in (("a.test", "edge", "b.test:%d" % gw.port, "a.test", "edge-user"),
                                            ("b.test", "bclient", "a.test", "b.test", "b-user")):
            c = connect(gw, cert=cert, name=sni)
            path = "/%s-to-other" % sni
            r = c.response(c.request("GET", path, authority=other))
            check(r.done, "a response for %s" % path, c)
            check_eq(r.status, 421, "status when :authority %s names another block than SNI %s" % (other, sni), r)
            check(not up.requests_for(path), "a misdirected h2 request must not reach the origin", r)
            entry = gw.log_for_path(path)
            check_eq((entry.get("status"), entry.get("proto")), (421, "h2"), "access log status and proto", r)
            path = "/%s-own" % sni
            r = c.response(c.request("GET", path, authority=own))
            check_eq(r.status, 200, "status of a stream for the SNI's own block on the same connection", r)
            check_eq(r.upstream_header("X-Client-Identity"), [user], "identity at the origin", r)


if __name__ == "__main__":
    run_test(main)
