#!/usr/bin/env python3
"""certgate's own rule 'constrained-names-well-formed' (RFC 5280 4.2.1.6, 4.2.1.10): under an intermediate that
excludes DNS:evil.test, a client certificate whose dNSName is "www.evil.test." (trailing dot) passes OpenSSL 3.0,
strict or not, because the byte-wise suffix match misses it. certgate refuses it with 403.16 and a reason that
names the rule, the certificate's depth and subject; `certgate explain` of the same configuration gives the same
verdict and reason, and lists the rule among the chain's problems."""
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

REASON = ("certificate rule 'constrained-names-well-formed' (RFC 5280 4.2.1.6, 4.2.1.10) refuses the certificate at "
          "depth 0 (CN=edge.example.com,OU=edge,O=Example): the dNSName 'www.evil.test.' is not a well-formed host "
          "name while the CA at depth 1 (CN=certgate e2e name-constrained CA,O=Example) constrains names of that form")


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/dotted-dns", cert="dotleaf-chain")
        entry = check_rejected(gw, up, r, "/dotted-dns", 403, 16)
        check_eq(entry.get("verify"), "FAILED:" + REASON, "the access log's verify field", r)
        check(REASON in r.text, "the response body gives the rule", r)

        e, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("dotleaf-chain")], gw.dir)
        check_eq(report["decision"]["status_text"], "403.16", "explain's verdict", e)
        check_eq(report["verification"]["reason"], REASON, "explain's reason", e)
        problems = [(x["rule"], x["reason"]) for x in report["verification"]["problems"]]
        check(("constrained-names-well-formed", REASON) in problems, "explain lists the rule among the chain's "
              "problems: %r" % problems, e)


if __name__ == "__main__":
    run_test(main)
