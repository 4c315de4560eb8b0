#!/usr/bin/env python3
"""A CRL that names the client's CA as its issuer but was signed by another key (another CA with the same name):
OpenSSL finds no CRL for the CA, so the client gets 403.16, and the cause names the CA, the CRL file and both
key ids and says to replace the CRL with the one that CA publishes, in explain and in the access log."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_rejected, openssl_x509
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki
from harness.upstream import Upstream


def main():
    directory = subdir("forged-crl-pki")
    p = ToolPki(directory)
    p.root("namesake", "/O=Example/CN=tools test CA")  # the trusted CA's name, another key
    p.pki.gencrl("namesake", "forged-crl")
    crl = os.path.join(directory, "forged-crl.pem")
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        with Gateway(cfg) as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("edge")], gw.dir, "403.16")
            namesake_key = openssl_x509(p.pem("namesake"), "-ext", "subjectKeyIdentifier").splitlines()[-1].strip()
            ca_key = openssl_x509(p.pem("ca"), "-ext", "subjectKeyIdentifier").splitlines()[-1].strip()
            text = ["the CRL that names the CA 'CN=tools test CA,O=Example' as its issuer (" + crl + ")",
                    "was signed by another key (its authority key id %s, the CA's key id %s)" % (namesake_key, ca_key),
                    "the CRL of another CA with the same name"]
            fix = ["replace it with the CRL that 'CN=tools test CA,O=Example' publishes"]
            check_cause_has(cause, "crl_wrong_issuer", text, fix, r)

            resp = request(gw, "/forged-crl", cert="edge", pki=p)
            entry = check_rejected(gw, up, resp, "/forged-crl", 403, 16)
            check_logged_cause(entry, text, fix, resp)
            check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)


if __name__ == "__main__":
    run_test(main)
