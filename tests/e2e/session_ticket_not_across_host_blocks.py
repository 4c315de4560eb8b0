#!/usr/bin/env python3
"""With shared session ticket keys a session crosses instances but never host blocks: a ticket made on A for the
[[host]] block b.test resumes on B under b.test (the control) and not under a name of the default block, and one
made for the default block does not resume under b.test (TLS 1.3 and 1.2). The block is chosen from the SNI
before the ticket is looked at, and its session id context (a digest of its names) must match the ticket's."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.tickets import PROTOCOLS, new_key_file
from harness.upstream import Upstream

# (the SNI of the full handshake, its certificate, the same block's other name, a name of the other block)
BLOCKS = (("b.test", "bclient", "b.test", "localhost"), ("localhost", "edge", "a.test", "b.test"))


def main():
    p = pki()
    key = new_key_file("ticket.key")
    with Upstream() as up:
        cfg = two_host_config(p, up.url)
        cfg["tls"]["session_ticket_keys"] = [key]
        with Gateway(cfg, name="a") as a, Gateway(cfg, name="b") as b:
            for label, proto in PROTOCOLS:
                for sni, cert, same, other in BLOCKS:
                    sess = os.path.join(workdir(), "%s-%s.sess" % (sni, label))
                    first = s_client(a.port, servername=sni, cacert=p.pem("ca"), cert=p.pem(cert), key=p.key(cert),
                                     sess_out=sess, request=http_get(sni, "/%s/%s/full" % (label, sni)), extra=proto)
                    check_eq(first.status, 200, "%s: %s admitted on %s" % (label, cert, sni), first)
                    r = s_client(b.port, servername=same, cacert=p.pem("ca"), sess_in=sess, extra=proto,
                                 request=http_get(same, "/%s/%s/same" % (label, sni)))
                    check(r.reused, "%s: the session of %s resumes on B under %s" % (label, sni, same), r)
                    check_eq(r.status, 200, "%s: resumed under %s" % (label, same), r)
                    path = "/%s/%s/other" % (label, sni)
                    r = s_client(b.port, servername=other, cacert=p.pem("ca"), sess_in=sess, extra=proto,
                                 request=http_get(other, path))
                    check(not r.reused and r.new, "%s: the session of %s must not resume under %s" % (label, sni, other),
                          r)
                    check_eq(r.status, 403, "%s: no certificate under %s" % (label, other), r)
                    check(not up.requests_for(path), "must not reach the upstream", r)


if __name__ == "__main__":
    run_test(main)
