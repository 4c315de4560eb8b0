#!/usr/bin/env python3
"""A session made on a host block with a weaker client-certificate policy is never resumed under the SNI of a
stricter block (the nginx CVE-2025-23419 class): the client gets a full handshake there and the stricter block
decides. The weaker blocks: mode "accept" with anonymous = true, mode "ignore" with anonymous = true, and a
block trusting another CA (which admits the rogue certificate). The stricter blocks: the default block (the
nginx case: the block that owns the session cache) and a [[host]] block; both require a certificate of `ca`.
Without a certificate the client gets 403.7; with the rogue certificate, 403.16. TLS 1.3 and TLS 1.2, with
openssl s_client and with Python ssl sessions.

It cannot pass vacuously: each session is shown to resume on another name of its own block afterwards (so the
client did offer it under a different SNI, and the server still had it), and the refusals are checked on both
ends (the client saw a new session, the access log says resumed = false)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client, session_context, session_exchange
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

# Weaker blocks: name -> (second name of the same block, the client certificate it admits, or None).
WEAK = {
    "anon.test": ("anon2.test", None),
    "open.test": ("open2.test", None),
    "rogue.test": ("rogue2.test", "rogue"),
}
STRICT = ["localhost", "strict.test"]  # the default block, and a [[host]] block with the same policy


def config(p, upstream_url):
    cfg = base_config(p, upstream_url)  # the default block: require, ca, edge.example.com -> edge-user
    cfg["host"] = [
        {"names": ["anon.test", "anon2.test"], "mode": "accept", "mapping": {"anonymous": True}},
        {"names": ["open.test", "open2.test"], "mode": "ignore", "mapping": {"anonymous": True}},
        # Trusts ca2 only and inherits the edge mapping: admits the rogue certificate (CN=edge.example.com).
        {"names": ["rogue.test", "rogue2.test"], "client_ca": [p.pem("ca2")]},
        {"names": ["strict.test"]},  # inherits [tls] and [mapping]: the default block's policy
    ]
    return cfg


def saved(path):
    return os.path.exists(path) and os.path.getsize(path) > 0


def check_refused_on_strict_block(gw, up, r, path, substatus, what):
    check_eq(r.status, 403, "%s: status" % what, r)
    entry = gw.log_for_path(path)
    check_eq(entry.get("substatus"), substatus, "%s: access log substatus" % what, r)
    check_eq(entry.get("resumed"), False, "%s: access log resumed" % what, r)
    check(not up.requests_for(path), "%s: must not reach the upstream" % what, r)


def with_s_client(gw, up, p):
    for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
        for weak, (other, cert) in WEAK.items():
            creds = dict(cert=p.pem(cert), key=p.key(cert)) if cert else {}
            sess = os.path.join(workdir(), "%s-%s.pem" % (weak, label))
            path = "/%s/%s/full" % (label, weak)
            first = s_client(gw.port, servername=weak, cacert=p.pem("ca"), sess_out=sess,
                             request=http_get(weak, path), extra=proto, **creds)
            check(first.new, "%s: the first handshake on %s should be a full one" % (label, weak), first)
            check_eq(first.status, 200, "%s: the weaker block %s admits" % (label, weak), first)
            check(saved(sess), "%s: s_client saved no session for %s" % (label, weak), first)

            for strict in STRICT:
                what = "%s: session of %s offered to %s" % (label, weak, strict)
                path = "/%s/%s-to-%s/no-cert" % (label, weak, strict)
                r = s_client(gw.port, servername=strict, cacert=p.pem("ca"), sess_in=sess,
                             request=http_get(strict, path), extra=proto)
                check(not r.reused and r.new, what + ": must not be resumed", r)
                check_refused_on_strict_block(gw, up, r, path, 7, what + " without a certificate")
                if cert:
                    path = "/%s/%s-to-%s/%s" % (label, weak, strict, cert)
                    r = s_client(gw.port, servername=strict, cacert=p.pem("ca"), sess_in=sess,
                                 request=http_get(strict, path), extra=proto, **creds)
                    check(not r.reused and r.new, what + " with the %s certificate: must not be resumed" % cert, r)
                    check_refused_on_strict_block(gw, up, r, path, 16, what + " with the %s certificate" % cert)

            # Control, afterwards: the same session, offered the same way under another name of its own block,
            # resumes, so the refusals above were the server's and not a client that offered nothing.
            path = "/%s/%s/resumed-as-%s" % (label, weak, other)
            again = s_client(gw.port, servername=other, cacert=p.pem("ca"), sess_in=sess,
                             request=http_get(other, path), extra=proto)
            check(again.reused, "%s: the session of %s should resume under %s" % (label, weak, other), again)
            check_eq(again.status, 200, "%s: resumed under %s" % (label, other), again)
            check_eq(gw.log_for_path(path).get("resumed"), True, "access log resumed for " + path, again)


def with_python_sessions(gw, up, p):
    for version in ("1.3", "1.2"):
        ctx = session_context(version=version)
        path = "/py%s/anon/full" % version
        first = session_exchange(gw.port, ctx, "anon.test", http_get("anon.test", path))
        check_eq(first.status, 200, "python TLS %s: anon.test admits" % version, first)
        check_eq(first.version, "TLSv" + version, "python: protocol", first)
        check(first.session is not None and not first.reused, "python TLS %s: a new session" % version, first)

        for strict in STRICT:
            path = "/py%s/anon-to-%s" % (version, strict)
            r = session_exchange(gw.port, ctx, strict, http_get(strict, path), session=first.session)
            what = "python TLS %s: session of anon.test offered to %s" % (version, strict)
            check(not r.reused, what + ": must not be resumed", r)
            check_refused_on_strict_block(gw, up, r, path, 7, what)

        path = "/py%s/anon/resumed-as-anon2" % version
        again = session_exchange(gw.port, ctx, "anon2.test", http_get("anon2.test", path), session=first.session)
        check(again.reused, "python TLS %s: the session should resume under anon2.test" % version, again)
        check_eq(again.status, 200, "python TLS %s: resumed under anon2.test" % version, again)


def main():
    p = pki()
    with Upstream() as up, Gateway(config(p, up.url)) as gw:
        with_s_client(gw, up, p)
        with_python_sessions(gw, up, p)


if __name__ == "__main__":
    run_test(main)
