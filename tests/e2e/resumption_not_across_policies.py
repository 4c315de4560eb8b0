#!/usr/bin/env python3
"""A session established under one host policy (SNI a.test) is not resumed under another (SNI b.test): the
client gets a full handshake there and that policy's own decision (here 403.7: no certificate for b.test)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream, header_values


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
            sess = os.path.join(workdir(), "session-a-%s.pem" % label)
            first = s_client(gw.port, servername="a.test", cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"),
                             sess_out=sess, request=http_get("a.test", "/a-full-" + label), extra=proto)
            check_eq(first.status, 200, "%s: full handshake under a.test" % label, first)
            check_eq(header_values(first.json()["headers"], "X-Client-Identity"), ["edge-user"], "identity", first)
            check(os.path.exists(sess) and os.path.getsize(sess) > 0, "s_client saved no session", first)

            # Control: the session is resumable under its own policy.
            same = os.path.join(workdir(), "session-a2-%s.pem" % label)
            again = s_client(gw.port, servername="a.test", cacert=p.pem("ca"), sess_in=sess, sess_out=same,
                             request=http_get("a.test", "/a-resumed-" + label), extra=proto)
            check(again.reused, "%s: the session should resume under a.test" % label, again)
            check_eq(again.status, 200, "%s: resumed under a.test" % label, again)
            if os.path.exists(same) and os.path.getsize(same) > 0:
                sess = same

            path = "/b-with-a-session-" + label
            other = s_client(gw.port, servername="b.test", cacert=p.pem("ca"), sess_in=sess,
                             request=http_get("b.test", path), extra=proto)
            check(not other.reused, "%s: a session of a.test must not be resumed under b.test" % label, other)
            check(other.status != 200, "%s: b.test must not admit on a.test's decision" % label, other)
            check_eq(other.status, 403, "%s: b.test without a certificate" % label, other)
            check(not up.requests_for(path), "must not reach the upstream", other)


if __name__ == "__main__":
    run_test(main)
