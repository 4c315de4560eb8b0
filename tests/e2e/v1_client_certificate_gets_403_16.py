#!/usr/bin/env python3
"""certgate's own rule 'version-3' (RFC 5280 4.1.2.1, 4.2.1.1): an X.509 v1 client certificate, which carries no
authorityKeyIdentifier and which OpenSSL 3.0 accepts even with X509_V_FLAG_X509_STRICT (its checks only look at
version 3 certificates), gets 403.16 naming the rule; `certgate explain` gives the same reason."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.tools import run_json
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/v1", cert="v1leaf")
        entry = check_rejected(gw, up, r, "/v1", 403, 16)
        verify = str(entry.get("verify", ""))
        check(verify.startswith("FAILED:certificate rule 'version-3' (RFC 5280 4.1.2.1, 4.2.1.1) refuses the "
                                "certificate at depth 0 (CN=edge.example.com,OU=edge,O=Example): it is an X.509 v1 "
                                "certificate"), "the reason names the rule: %r" % verify, r)
        e, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("v1leaf")], gw.dir)
        check_eq(report["decision"]["status_text"], "403.16", "explain's verdict", e)
        check_eq("FAILED:" + report["verification"]["reason"], verify, "explain's reason is the server's", e)


if __name__ == "__main__":
    run_test(main)
