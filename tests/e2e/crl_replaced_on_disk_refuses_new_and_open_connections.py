#!/usr/bin/env python3
"""A CRL file replaced on disk (renamed over, no SIGHUP) is read again within crl_check_interval: a certificate
the new CRL revokes gets 403.13 on a new connection and on the next request of a connection that was already
open and admitted, and the gateway logs "CRLs reloaded: <file>". The configuration applied is the running one, not
the file, which may be half edited meanwhile."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.crl_files import gencrl, replace_by_rename, revoke, wait_stderr
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.tools import ToolPki
from harness.upstream import Upstream


def main():
    directory = subdir("crl-replaced-pki")
    p = ToolPki(directory)
    crl = gencrl(p, os.path.join(directory, "ca-crl.pem"))  # lists nothing yet
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        cfg["limits"] = {"crl_check_interval": "200ms"}
        with Gateway(cfg) as gw:
            resp = request(gw, "/before", cert="edge", pki=p)
            check_eq(resp.status, 200, "admitted while the CRL lists nothing", resp)
            with HttpConnection(gw.port, cert="edge", pki=p) as conn:
                r = conn.request("GET", "/open-before")
                check_eq(r.status, 200, "the open connection before the CRL changed", r)
                check("close" not in r.connection_tokens(), "the connection should stay open", r)

                # A half-finished edit of the configuration file is not what a CRL change applies.
                with open(gw.config_path, "a") as f:
                    f.write("\n[admin]\nlisten = 'half edited'\n")
                revoke(p, "edge")
                replace_by_rename(gencrl(p, os.path.join(directory, "new-crl.pem")), crl)
                logged = wait_stderr(gw, "CRLs reloaded: " + crl)
                check("SIGHUP" not in logged, "no reload by signal:\n" + logged)

                r = conn.request("GET", "/open-after")
                check_eq(r.status, 403, "the same connection after the CRL revoked its certificate", r)
                check(r.text.startswith("403.13 "), "body should start with '403.13 '", r)
                check(not up.requests_for("/open-after"), "a refused request must not reach the upstream", r)

            resp = request(gw, "/after", cert="edge", pki=p)
            check_rejected(gw, up, resp, "/after", 403, 13)


if __name__ == "__main__":
    run_test(main)
