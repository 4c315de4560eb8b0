#!/usr/bin/env python3
"""[limits] session_cache = 0 turns resumption off: a client that offers the session of its previous
connection gets a full handshake every time (TLS 1.3 and 1.2), and is still admitted by its certificate.
With the default cache the same sequence resumes (the control)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def second_handshake_resumed(gw, p, label, proto):
    """Connects twice with the edge certificate, offering the first session on the second connection; returns
    whether the second one was resumed."""
    sess = os.path.join(workdir(), "session-%s-%d.pem" % (label, gw.port))
    first = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"),
                     sess_out=sess, request=http_get("localhost", "/first-" + label), extra=proto)
    check_eq(first.status, 200, "%s: first request" % label, first)
    again = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"),
                     sess_in=sess if os.path.exists(sess) and os.path.getsize(sess) > 0 else None,
                     request=http_get("localhost", "/again-" + label), extra=proto)
    check_eq(again.status, 200, "%s: second request (admitted by its certificate)" % label, again)
    return again.reused


def main():
    p = pki()
    with Upstream() as up:
        config = base_config(p, up.url)
        with Gateway(config, name="default-cache") as gw:
            for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
                check(second_handshake_resumed(gw, p, label, proto), "%s: the default cache resumes" % label)
        config["limits"] = {"session_cache": 0}
        with Gateway(config, name="no-cache") as gw:
            for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
                check(not second_handshake_resumed(gw, p, label, proto),
                      "%s: with session_cache = 0 nothing is resumed" % label)


if __name__ == "__main__":
    run_test(main)
