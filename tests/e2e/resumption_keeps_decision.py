#!/usr/bin/env python3
"""TLS session resumption keeps the decision of the full handshake: a session made with the edge certificate,
resumed by a client that has no certificate at all, is still admitted as edge-user (TLS 1.3 and 1.2, and
again from each resumed session). Without the session, the same client is refused (403.7)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import cert_facts
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, header_values


def check_echo_identity(s, what):
    check_eq(s.status, 200, "%s: HTTP status" % what, s)
    headers = s.json()["headers"]
    check_eq(header_values(headers, "X-Client-Identity"), ["edge-user"], "%s: identity at the upstream" % what, s)
    check_eq(header_values(headers, "X-Client-Mapping"), ["edge"], "%s: mapping at the upstream" % what, s)
    check_eq(header_values(headers, "X-Client-Verify"), ["SUCCESS"], "%s: verify at the upstream" % what, s)


def main():
    p = pki()
    fingerprint = cert_facts(p.pem("edge"))["fingerprint"]
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
            sess = os.path.join(workdir(), "session-%s-0.pem" % label)
            first = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                             key=p.key("edge"), sess_out=sess, request=http_get("localhost", "/full-" + label),
                             extra=proto)
            check(first.new, "%s: the first handshake should be a full one" % label, first)
            check_echo_identity(first, "%s full handshake" % label)
            check(os.path.exists(sess) and os.path.getsize(sess) > 0, "%s: s_client saved no session" % label, first)

            for n in range(1, 4):
                path = "/resumed-%s-%d" % (label, n)
                nxt = os.path.join(workdir(), "session-%s-%d.pem" % (label, n))
                again = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess, sess_out=nxt,
                                 request=http_get("localhost", path), extra=proto)
                check(again.reused, "%s: resumption #%d should reuse the session" % (label, n), again)
                check_echo_identity(again, "%s resumption #%d" % (label, n))
                entry = gw.log_for_path(path)
                check_eq(entry.get("identity"), "edge-user", "access log identity", again)
                check_eq(entry.get("fingerprint"), fingerprint, "access log fingerprint of a resumed session", again)
                if os.path.exists(nxt) and os.path.getsize(nxt) > 0:
                    sess = nxt

            # Control: the same certificate-less client without a session is refused.
            path = "/no-session-" + label
            plain = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), request=http_get("localhost", path),
                             extra=proto)
            check_eq(plain.status, 403, "%s: no certificate and no session" % label, plain)
            check(not up.requests_for(path), "must not reach the upstream", plain)


if __name__ == "__main__":
    run_test(main)
