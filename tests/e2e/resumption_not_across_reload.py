#!/usr/bin/env python3
"""A session made before a SIGHUP reload is not resumed after it, on the default block and on a [[host]] block,
over TLS 1.3 and TLS 1.2: the new policy decides on a full handshake. Here the reload turns both blocks'
mappings into deny rules, so the old session offered without a certificate gets 403.7 and offered with the
certificate it was made with gets 403.12, where before the reload the same session resumed and was admitted
(the control, so that the test cannot pass with a session that was never resumable)."""
import copy
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream

# (SNI, the certificate it admits before the reload, a deny mapping that matches it)
BLOCKS = [
    ("a.test", "edge", {"name": "no-edge", "permission": "deny",
                        "rules": [{"field": "subject", "subfield": "CN", "match": "edge.example.com"}]}),
    ("b.test", "bclient", {"name": "no-b", "permission": "deny",
                           "rules": [{"field": "subject", "subfield": "CN", "match": "*.b.test"}]}),
]
PROTOCOLS = (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"]))


def denying(cfg):
    new = copy.deepcopy(cfg)
    new["mapping"]["many_to_one"] = [BLOCKS[0][2]]
    new["host"][0]["mapping"]["many_to_one"] = [BLOCKS[1][2]]
    return new


def main():
    p = pki()
    with Upstream() as up:
        cfg = two_host_config(p, up.url)
        with Gateway(cfg) as gw:
            sessions = {}
            for label, proto in PROTOCOLS:
                for sni, cert, _ in BLOCKS:
                    sess = os.path.join(workdir(), "%s-%s.pem" % (sni, label))
                    first = s_client(gw.port, servername=sni, cacert=p.pem("ca"), cert=p.pem(cert), key=p.key(cert),
                                     sess_out=sess, request=http_get(sni, "/before/%s/%s" % (label, sni)),
                                     extra=proto)
                    check_eq(first.status, 200, "%s: %s admitted on %s before the reload" % (label, cert, sni), first)
                    check(os.path.exists(sess) and os.path.getsize(sess) > 0, "s_client saved no session", first)
                    again = s_client(gw.port, servername=sni, cacert=p.pem("ca"), sess_in=sess,
                                     request=http_get(sni, "/before/%s/%s/resumed" % (label, sni)), extra=proto)
                    check(again.reused, "%s: the session of %s resumes before the reload" % (label, sni), again)
                    check_eq(again.status, 200, "%s: resumed on %s before the reload" % (label, sni), again)
                    sessions[label, sni] = sess

            gw.reload(denying(cfg))

            for label, proto in PROTOCOLS:
                for sni, cert, _ in BLOCKS:
                    sess = sessions[label, sni]
                    what = "%s: session of %s from before the reload" % (label, sni)
                    for presented, substatus in ((None, 7), (cert, 12)):
                        creds = dict(cert=p.pem(presented), key=p.key(presented)) if presented else {}
                        path = "/after/%s/%s/%s" % (label, sni, presented or "no-cert")
                        r = s_client(gw.port, servername=sni, cacert=p.pem("ca"), sess_in=sess,
                                     request=http_get(sni, path), extra=proto, **creds)
                        how = "%s, offered with %s" % (what, presented or "no certificate")
                        check(not r.reused and r.new, how + ": must not be resumed", r)
                        check_eq(r.status, 403, how + ": status", r)
                        entry = gw.log_for_path(path)
                        check_eq(entry.get("substatus"), substatus, how + ": access log substatus", r)
                        check_eq(entry.get("resumed"), False, how + ": access log resumed", r)
                        check(not up.requests_for(path), how + ": must not reach the upstream", r)


if __name__ == "__main__":
    run_test(main)
