#!/usr/bin/env python3
"""A configured CRL whose lastUpdate is in the future (a CA or gateway clock that is off): 403.16, and the
cause names the CA, the CRL file and its lastUpdate, and says to check the clocks, in explain and in the
access log."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_rejected
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, stamp
from harness.upstream import Upstream


def main():
    directory = subdir("future-crl-pki")
    p = ToolPki(directory)
    from harness import make_pki
    crl = os.path.join(directory, "future-crl.pem")
    make_pki.run("ca", "-batch", "-config", p.pki.ca_config("ca"), "-gencrl", "-crlexts", "crl_ext",
                 "-crl_lastupdate", stamp(2), "-crl_nextupdate", stamp(30), "-out", crl)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        with Gateway(cfg) as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("edge")], gw.dir, "403.16")
            check_eq(report["verification"]["code"], 11, "X509_V_ERR_CRL_NOT_YET_VALID", r)
            text = ["the CRL of the CA 'CN=tools test CA,O=Example' (" + crl + ") is not valid yet",
                    "its lastUpdate is ", "after the time of the check"]
            fix = ["check the clocks"]
            check_cause_has(cause, "crl_not_yet_valid", text, fix, r)

            resp = request(gw, "/future-crl", cert="edge", pki=p)
            entry = check_rejected(gw, up, resp, "/future-crl", 403, 16)
            check_logged_cause(entry, text, fix, resp)


if __name__ == "__main__":
    run_test(main)
