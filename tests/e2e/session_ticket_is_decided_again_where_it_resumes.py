#!/usr/bin/env python3
"""A session ticket carries certificates, never a decision: where it resumes, the certificate is verified and
decided again under that instance's configuration. Instance A maps both other.example.com and edge.example.com
and has no CRL; instance B shares A's ticket key but maps only edge.example.com and loads the CRL that revokes
the `revoked` certificate. On B, the resumed session of `unmapped` gets 401.2 and that of `revoked` 403.13 (TLS
1.3 and 1.2), although both resume and both were admitted on A; the session of `edge` is admitted on B (the
control)."""
import copy
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import EDGE_MAPPING, Gateway
from harness.tickets import PROTOCOLS, new_key_file, ticket_config
from harness.upstream import Upstream

OTHER_MAPPING = {"name": "other", "user": "other-user",
                 "rules": [{"field": "subject", "subfield": "CN", "match": "other.example.com"}]}
# (certificate, user on A, status and substatus on B)
CASES = (("edge", "edge-user", 200, None), ("unmapped", "other-user", 401, 2), ("revoked", "edge-user", 403, 13))


def main():
    p = pki()
    key = new_key_file("ticket.key")
    with Upstream() as up:
        cfg_a = ticket_config(p, up.url, [key], mappings=[EDGE_MAPPING, OTHER_MAPPING])
        cfg_b = ticket_config(p, up.url, [key], mappings=[EDGE_MAPPING])
        cfg_b["tls"]["crl"] = [p.crl()]
        with Gateway(cfg_a, name="a") as a, Gateway(cfg_b, name="b") as b:
            for label, proto in PROTOCOLS:
                for cert, user, status, substatus in CASES:
                    what = "%s %s" % (label, cert)
                    sess = os.path.join(workdir(), "%s-%s.sess" % (label, cert))
                    first = s_client(a.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem(cert),
                                     key=p.key(cert), sess_out=sess, extra=proto,
                                     request=http_get("localhost", "/a/%s/%s" % (label, cert)))
                    check_eq(first.status, 200, what + ": admitted on A", first)
                    check_eq(a.log_for_path("/a/%s/%s" % (label, cert)).get("identity"), user, what + ": A's identity",
                             first)

                    path = "/b/%s/%s" % (label, cert)
                    r = s_client(b.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess, extra=proto,
                                 request=http_get("localhost", path))
                    check(r.reused, what + ": the session of A resumes on B", r)
                    check_eq(r.status, status, what + ": status on B", r)
                    entry = b.log_for_path(path)
                    check_eq(entry.get("resumed"), True, what + ": B's access log says resumed", r)
                    if substatus is None:
                        check_eq(entry.get("identity"), user, what + ": B's identity", r)
                        check(up.requests_for(path), what + ": reaches the upstream from B", r)
                    else:
                        check_eq(entry.get("substatus"), substatus, what + ": B's substatus", r)
                        check(not up.requests_for(path), what + ": refused on B must not reach the upstream", r)


if __name__ == "__main__":
    run_test(main)
