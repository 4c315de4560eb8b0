#!/usr/bin/env python3
"""A verified certificate that matches a many-to-one mapping with permission = "deny": 403.12."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.upstream import Upstream

DENY = {
    "name": "block",
    "permission": "deny",
    "rules": [{"field": "subject", "subfield": "CN", "match": "blocked.example.com"}],
}


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url, mappings=[DENY, EDGE_MAPPING])) as gw:
        r = request(gw, "/blocked", cert="blocked")
        entry = check_rejected(gw, up, r, "/blocked", 403, 12)
        check_eq(entry.get("verify"), "SUCCESS", "access log verify (the chain itself is fine)", r)
        # The log names the mapping that denied: in its mapping field or in its reason.
        check(entry.get("mapping") == "block" or "'block'" in (entry.get("reason") or ""),
              "the access log should name the deny mapping 'block': %r" % entry, r)

        r = request(gw, "/edge", cert="edge")
        check_admitted(gw, up, r, "/edge", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
