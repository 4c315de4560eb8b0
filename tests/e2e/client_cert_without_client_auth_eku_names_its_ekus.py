#!/usr/bin/env python3
"""A client certificate whose extendedKeyUsage lacks clientAuth (a server certificate): 403.16, and the cause
lists the EKUs it has (serverAuth, by name) and says it must be issued for client authentication, in explain
and in the access log alike."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("serverauth")], gw.dir, "403.16")
        check_eq(report["verification"]["reason"], "unsuitable certificate purpose", "OpenSSL's generic text", r)
        text = ["'CN=edge.example.com,OU=edge,O=Example'", "is not issued for client authentication",
                "its extendedKeyUsage is serverAuth (TLS Web Server Authentication)", "without clientAuth"]
        fix = ["issued for client authentication (extendedKeyUsage clientAuth"]
        check_cause_has(cause, "eku_not_client_auth", text, fix, r)

        resp = request(gw, "/serverauth", cert="serverauth")
        entry = check_rejected(gw, up, resp, "/serverauth", 403, 16)
        check_logged_cause(entry, text, fix, resp)
        check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)


if __name__ == "__main__":
    run_test(main)
