#!/usr/bin/env python3
"""A session resumes under every name of the host block that made it, and only the block matters: the same SNI
again, another exact name of the block, a name its "*." pattern matches; for the default block also a name no
[[host]] block claims and a ClientHello without SNI. Each resumption keeps the decision of the full handshake
(the client sends no certificate and is admitted with the identity it had), and the access log names the SNI
of the resumed connection. TLS 1.3 and TLS 1.2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream, header_values

# block: (the SNI of the full handshake, its certificate, its identity, the names it is resumed under)
BLOCKS = {
    "b": ("b.test", "bclient", "b-user", ["b.test", "b2.test", "x.b.example"]),
    "default": ("localhost", "edge", "edge-user", ["localhost", "a.test", "unclaimed.example", None]),
}


def main():
    p = pki()
    with Upstream() as up:
        cfg = two_host_config(p, up.url)
        cfg["host"][0]["names"] = ["b.test", "b2.test", "*.b.example"]
        with Gateway(cfg) as gw:
            for label, proto in (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"])):
                for block, (sni, cert, identity, names) in BLOCKS.items():
                    sess = os.path.join(workdir(), "%s-%s.pem" % (block, label))
                    first = s_client(gw.port, servername=sni, cacert=p.pem("ca"), cert=p.pem(cert), key=p.key(cert),
                                     sess_out=sess, request=http_get(sni, "/%s/%s/full" % (label, block)),
                                     extra=proto)
                    check(first.new, "%s: the first handshake on %s should be a full one" % (label, sni), first)
                    check_eq(first.status, 200, "%s: %s admitted on %s" % (label, cert, sni), first)
                    check(os.path.exists(sess) and os.path.getsize(sess) > 0, "s_client saved no session", first)

                    for name in names:
                        what = "%s: session of %s resumed under %s" % (label, sni, name or "no SNI")
                        path = "/%s/%s/as-%s" % (label, block, name or "no-sni")
                        r = s_client(gw.port, servername=name, cacert=p.pem("ca"), sess_in=sess,
                                     request=http_get(name or "localhost", path),
                                     extra=proto + ([] if name else ["-noservername"]))
                        check(r.reused, what + ": should resume", r)
                        check_eq(r.status, 200, what + ": status", r)
                        check_eq(header_values(r.json()["headers"], "X-Client-Identity"), [identity],
                                 what + ": identity at the upstream", r)
                        entry = gw.log_for_path(path)
                        check_eq(entry.get("resumed"), True, what + ": access log resumed", r)
                        check_eq(entry.get("sni"), name or "", what + ": access log sni", r)
                        check_eq(entry.get("identity"), identity, what + ": access log identity", r)


if __name__ == "__main__":
    run_test(main)
