#!/usr/bin/env python3
"""A .p7b exported the way Windows' certificate export wizard writes a chain (the client certificate with its
whole certification path, PEM "-----BEGIN PKCS7-----" or DER) works as client_ca: its CA certificate becomes the
trust anchor, so the edge client is admitted, and the leaf inside it is no anchor: a certificate of another CA
stays refused (403.16)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import openssl
from harness.upstream import Upstream


def main():
    p = pki()
    d = subdir("p7b")
    pem_p7b = os.path.join(d, "edge-chain.p7b")
    der_p7b = os.path.join(d, "edge-chain-der.p7b")
    openssl("crl2pkcs7", "-nocrl", "-certfile", p.pem("edge"), "-certfile", p.pem("ca"), "-out", pem_p7b)
    openssl("crl2pkcs7", "-nocrl", "-certfile", p.pem("edge"), "-certfile", p.pem("ca"), "-outform", "DER",
            "-out", der_p7b)
    for bundle in (pem_p7b, der_p7b):
        config = base_config(p, "http://unused")
        with Upstream() as up:
            config["upstream"]["url"] = up.url
            config["tls"]["client_ca"] = [bundle]
            with Gateway(config, name="gateway-" + os.path.basename(bundle)) as gw:
                r = request(gw, "/p7b", cert="edge")
                check_admitted(gw, up, r, "/p7b", "edge-user", "edge")
                r = request(gw, "/rogue", cert="rogue")
                check_rejected(gw, up, r, "/rogue", 403, 16)


if __name__ == "__main__":
    run_test(main)
