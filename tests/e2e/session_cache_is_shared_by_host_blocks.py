#!/usr/bin/env python3
"""[limits] session_cache bounds the sessions of all host blocks together: OpenSSL keeps every session in the
cache of the context a connection started with (the default block's), whichever block SNI selects. With
session_cache = 1, a fresh session of a.test resumes (the control), but one full handshake on b.test in between
evicts it: the client gets a full handshake (403.7 without a certificate). TLS 1.3 and TLS 1.2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream


def session_of_a(gw, p, label, proto, name):
    sess = os.path.join(workdir(), "%s-%s.pem" % (name, label))
    first = s_client(gw.port, servername="a.test", cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"),
                     sess_out=sess, request=http_get("a.test", "/%s/%s" % (label, name)), extra=proto)
    check_eq(first.status, 200, "%s: edge admitted on a.test" % label, first)
    check(os.path.exists(sess) and os.path.getsize(sess) > 0, "s_client saved no session", first)
    return sess


def offer(gw, p, label, proto, sess, path):
    return s_client(gw.port, servername="a.test", cacert=p.pem("ca"), sess_in=sess,
                    request=http_get("a.test", "/%s%s" % (label, path)), extra=proto)


def main():
    p = pki()
    with Upstream() as up:
        cfg = two_host_config(p, up.url)
        cfg["limits"] = {"session_cache": 1}
        with Gateway(cfg) as gw:
            for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
                sess = session_of_a(gw, p, label, proto, "control")
                r = offer(gw, p, label, proto, sess, "/control/resumed")
                check(r.reused, "%s: a fresh session resumes with nothing in between" % label, r)
                check_eq(r.status, 200, "%s: resumed session admitted" % label, r)

                sess = session_of_a(gw, p, label, proto, "evicted")
                b = s_client(gw.port, servername="b.test", cacert=p.pem("ca"), cert=p.pem("bclient"),
                             key=p.key("bclient"), request=http_get("b.test", "/%s/b-full" % label), extra=proto)
                check(b.new, "%s: a full handshake on b.test" % label, b)
                check_eq(b.status, 200, "%s: bclient admitted on b.test" % label, b)
                r = offer(gw, p, label, proto, sess, "/evicted/offered")
                check(not r.reused, "%s: b.test's session should have taken a.test's place in the cache" % label, r)
                check_eq(r.status, 403, "%s: full handshake without a certificate" % label, r)


if __name__ == "__main__":
    run_test(main)
