#!/usr/bin/env python3
"""Files are read by their content, not their name: a DER server certificate and key in files named .pem, and
a PEM client CA in a file named .der, serve as well as the right names (the edge client is admitted); check
reports nothing about them, and cert show reads both."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import request
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import codes, openssl, run, run_json
from harness.upstream import Upstream


def main():
    p = pki()
    d = subdir("misnamed")
    server_pem = os.path.join(d, "server.pem")  # DER inside
    key_pem = os.path.join(d, "server-key.pem")  # DER (PKCS#8) inside
    ca_der = os.path.join(d, "ca.der")  # PEM inside
    openssl("x509", "-in", p.pem("server"), "-outform", "DER", "-out", server_pem)
    openssl("pkey", "-in", p.key("server"), "-outform", "DER", "-out", key_pem)
    with open(p.pem("ca")) as src, open(ca_der, "w") as dst:
        dst.write(src.read())
    with open(server_pem, "rb") as f:
        check(not f.read().startswith(b"-----BEGIN"), "server.pem holds DER")

    for path in (server_pem, ca_der):
        r = run(["cert", "show", path], d)
        check_eq(r.code, 0, "cert show %s" % path, r)

    with Upstream() as up:
        config = base_config(p, up.url)
        config["tls"].update({"cert": server_pem, "key": key_pem, "client_ca": [ca_der]})
        with Gateway(config) as gw:
            r = request(gw, "/misnamed", cert="edge")
            check_admitted(gw, up, r, "/misnamed", "edge-user", "edge")
            r, report = run_json(["check", "-c", gw.config_path], d)
            check_eq([c for c in codes(report) if c not in ("CG112", "CG105")], [], "check findings", r)


if __name__ == "__main__":
    run_test(main)
