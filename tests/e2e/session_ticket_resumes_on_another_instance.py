#!/usr/bin/env python3
"""Two certgate instances sharing one session ticket key file: a session made on A (a full handshake with a
client certificate, once issued by the anchor and once through an intermediate the client sends) is resumed on B
by a client that offers the session and no certificate, over TLS 1.3 and 1.2, and reaches the upstream with the
same identity headers. Rotation: with a new key first and the old one still listed (SIGHUP on both), the old
session still resumes, and the ticket it is renewed with is under the new key; once the old key is removed
(SIGHUP), the old session is not resumed (a full handshake, which still admits the certificate) while the renewed
one still is (the renewal is followed with Python's ssl, whose session is the renewed one: s_client saves no
session of a resumed TLS 1.2 handshake)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client, session_context, session_exchange
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.tickets import IDENTITY_HEADERS, PROTOCOLS, client_credentials, new_key_file, ticket_config
from harness.upstream import Upstream, header_values

CERTS = (("edge", "edge-user"), ("deep", "deep-user"))


def identity(r, what):
    check_eq(r.status, 200, what + ": HTTP status", r)
    headers = r.json()["headers"]
    return {name: header_values(headers, name) for name in IDENTITY_HEADERS}


def resume(gw, p, sess, path, what, proto, sess_out=None, **kw):
    creds, extra = client_credentials(p, kw.get("cert"))
    return s_client(gw.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess, sess_out=sess_out,
                    request=http_get("localhost", path), extra=proto + extra, **creds)


def main():
    p = pki()
    old_key = new_key_file("ticket.key")
    with Upstream() as up:
        cfg = ticket_config(p, up.url, [old_key])
        with Gateway(cfg, name="a") as a, Gateway(cfg, name="b") as b:
            made, seen = {}, {}
            for label, proto in PROTOCOLS:
                for cert, user in CERTS:
                    what = "%s %s" % (label, cert)
                    sess = os.path.join(workdir(), "%s-%s.sess" % (label, cert))
                    creds, extra = client_credentials(p, cert)
                    first = s_client(a.port, servername="localhost", cacert=p.pem("ca"), sess_out=sess,
                                     request=http_get("localhost", "/a/%s/%s" % (label, cert)),
                                     extra=proto + extra, **creds)
                    check(first.new, what + ": a full handshake on A", first)
                    seen[label, cert] = identity(first, what + " on A")
                    check_eq(seen[label, cert]["X-Client-Identity"], [user], what + ": identity on A", first)
                    check(os.path.exists(sess) and os.path.getsize(sess) > 0, what + ": no session saved", first)
                    made[label, cert] = sess

                    path = "/b/%s/%s" % (label, cert)
                    again = resume(b, p, sess, path, what, proto)
                    check(again.reused, what + ": the session made on A is resumed on B", again)
                    check_eq(identity(again, what + " resumed on B"), seen[label, cert],
                             what + ": identity headers at the upstream, resumed on B", again)
                    entry = b.log_for_path(path)
                    check_eq(entry.get("resumed"), True, what + ": B's access log says resumed", again)
                    check_eq(entry.get("identity"), user, what + ": B's access log identity", again)

            # The same through Python's ssl, whose session object follows a renewal.
            contexts, py_sessions = {}, {}
            for label, version in (("tls13", "1.3"), ("tls12", "1.2")):
                contexts[label] = session_context(cert="edge", version=version, pki=p)
                ex = session_exchange(a.port, contexts[label], "localhost", http_get("localhost", "/py/a/" + label))
                check_eq(ex.status, 200, "%s: Python client admitted on A" % label, ex)
                py_sessions[label] = ex.session

            # Rotation, step 1: the new key encrypts, the old one still decrypts.
            new_key = new_key_file("ticket.key.new")
            rotated = ticket_config(p, up.url, [new_key, old_key])
            a.reload(rotated)
            b.reload(rotated)
            for label, proto in PROTOCOLS:
                for cert, _ in CERTS:
                    what = "%s %s, old key second" % (label, cert)
                    r = resume(b, p, made[label, cert], "/rotated/%s/%s" % (label, cert), what, proto)
                    check(r.reused, what + ": still resumed", r)
                    check_eq(identity(r, what), seen[label, cert], what + ": identity headers", r)
            renewed = {}
            for label in contexts:
                ex = session_exchange(b.port, contexts[label], "localhost", http_get("localhost", "/py/rotated/" + label),
                                      session=py_sessions[label])
                check(ex.reused, "%s: Python session resumed on B with the old key second" % label, ex)
                check_eq(ex.status, 200, "%s: Python session admitted on B" % label, ex)
                renewed[label] = ex.session

            # Rotation, step 2: the old key is gone.
            final = ticket_config(p, up.url, [new_key])
            a.reload(final)
            b.reload(final)
            for label, proto in PROTOCOLS:
                for cert, user in CERTS:
                    what = "%s %s, old key removed" % (label, cert)
                    for gw, name in ((a, "A"), (b, "B")):
                        path = "/removed/%s/%s/%s" % (name, label, cert)
                        r = resume(gw, p, made[label, cert], path, what, proto, cert=cert)
                        check(not r.reused and r.new, "%s: not resumed on %s" % (what, name), r)
                        check_eq(identity(r, what)["X-Client-Identity"], [user],
                                 "%s: admitted by the full handshake on %s" % (what, name), r)
                        check_eq(gw.log_for_path(path).get("resumed"), False, what + ": access log resumed", r)
            for label in contexts:
                what = "%s Python session, old key removed" % label
                ex = session_exchange(a.port, contexts[label], "localhost", http_get("localhost", "/py/old/" + label),
                                      session=py_sessions[label])
                check(not ex.reused, what + ": the session under the old key is not resumed", ex)
                check_eq(ex.status, 200, what + ": admitted by a full handshake", ex)
                ex = session_exchange(a.port, contexts[label], "localhost",
                                      http_get("localhost", "/py/renewed/" + label), session=renewed[label])
                check(ex.reused, what + ": the session renewed under the new key resumes", ex)
                check_eq(ex.status, 200, what + ": the renewed session is admitted", ex)
                check_eq(a.log_for_path("/py/renewed/" + label).get("identity"), "edge-user", what + ": identity", ex)


if __name__ == "__main__":
    run_test(main)
