#!/usr/bin/env python3
"""A resumed session belongs to the host block that made it, also for the requests it carries: a request whose
Host names another block gets 421 Misdirected Request and never reaches the upstream (a session of the default
block asking for b.test, a session of b.test asking for a.test). The same resumed sessions with their own
block's Host are admitted (the control: the sessions did resume). TLS 1.3 and TLS 1.2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream

# (SNI, certificate of the full handshake, a Host of the same block, a Host of the other block)
CASES = [("a.test", "edge", "a.test", "b.test"), ("b.test", "bclient", "b.test", "a.test")]


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
            for sni, cert, own_host, other_host in CASES:
                sess = os.path.join(workdir(), "%s-%s.pem" % (sni, label))
                first = s_client(gw.port, servername=sni, cacert=p.pem("ca"), cert=p.pem(cert), key=p.key(cert),
                                 sess_out=sess, request=http_get(own_host, "/%s/%s/full" % (label, sni)),
                                 extra=proto)
                check_eq(first.status, 200, "%s: %s admitted on %s" % (label, cert, sni), first)
                check(os.path.exists(sess) and os.path.getsize(sess) > 0, "s_client saved no session", first)

                path = "/%s/%s/asks-for-%s" % (label, sni, other_host)
                what = "%s: session of %s resumed with Host %s" % (label, sni, other_host)
                r = s_client(gw.port, servername=sni, cacert=p.pem("ca"), sess_in=sess,
                             request=http_get("%s:%d" % (other_host, gw.port), path), extra=proto)
                check(r.reused, what + ": should have resumed", r)
                check_eq(r.status, 421, what + ": status", r)
                check(not up.requests_for(path), what + ": must not reach the upstream", r)
                entry = gw.log_for_path(path)
                check_eq(entry.get("status"), 421, what + ": access log status", r)
                check_eq(entry.get("resumed"), True, what + ": access log resumed", r)

                path = "/%s/%s/asks-for-%s" % (label, sni, own_host)
                r = s_client(gw.port, servername=sni, cacert=p.pem("ca"), sess_in=sess,
                             request=http_get(own_host, path), extra=proto)
                check(r.reused, "%s: session of %s resumed with its own Host" % (label, sni), r)
                check_eq(r.status, 200, "%s: session of %s with Host %s" % (label, sni, own_host), r)
                check_eq(r.json().get("path"), path, "the upstream answered", r)


if __name__ == "__main__":
    run_test(main)
