#!/usr/bin/env python3
"""A configured CRL whose nextUpdate has passed (crl_expired = "refuse", the default): every client under that
CA gets 403.16 with a reason that says "CRL expired", and the cause names the CA, the CRL file and when it went
out of date, with the fix (refresh the CRL file), in explain and in the access log."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, stamp
from harness.upstream import Upstream


def main():
    directory = subdir("stale-crl-pki")
    p = ToolPki(directory)
    from harness import make_pki
    crl = os.path.join(directory, "stale-crl.pem")
    make_pki.run("ca", "-batch", "-config", p.pki.ca_config("ca"), "-gencrl", "-crlexts", "crl_ext",
                 "-crl_lastupdate", stamp(-10), "-crl_nextupdate", stamp(-1), "-out", crl)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        with Gateway(cfg) as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("edge")], gw.dir, "403.16")
            check_eq(report["verification"]["code"], 12, "X509_V_ERR_CRL_HAS_EXPIRED", r)
            text = ["the CRL of the CA 'CN=tools test CA,O=Example' (" + crl + ") is out of date",
                    "its nextUpdate was " + stamp(-1)[:4], "before the time of the check"]
            fix = ["refresh the CRL file", "reload"]
            check_cause_has(cause, "crl_expired", text, fix, r)

            resp = request(gw, "/stale-crl", cert="edge", pki=p)
            entry = check_rejected(gw, up, resp, "/stale-crl", 403, 16)
            check_logged_cause(entry, text, fix, resp)
            check("CRL expired" in resp.text, "the reason says \"CRL expired\"", resp)


if __name__ == "__main__":
    run_test(main)
