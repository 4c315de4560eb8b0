#!/usr/bin/env python3
"""verify_depth counts the intermediates between the client certificate and the trust anchor: a client
certificate behind one intermediate (sent by the client with its chain) passes with verify_depth = 1 and is
refused (403.16) with verify_depth = 0."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.upstream import Upstream

DEEP = {"name": "deep", "user": "deep-user",
        "rules": [{"field": "subject", "subfield": "CN", "match": "deep.example.com"}]}


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[EDGE_MAPPING, DEEP])
        cfg["tls"]["verify_depth"] = 1
        with Gateway(cfg, name="depth1") as gw:
            r = request(gw, "/deep-depth1", cert="deep-chain")
            check_admitted(gw, up, r, "/deep-depth1", "deep-user", "deep")
            # Without its intermediate the leaf cannot be verified at all.
            r = request(gw, "/deep-leaf-only", cert="deep")
            check_rejected(gw, up, r, "/deep-leaf-only", 403, 16)

        cfg["tls"]["verify_depth"] = 0
        with Gateway(cfg, name="depth0") as gw:
            r = request(gw, "/deep-depth0", cert="deep-chain")
            check_rejected(gw, up, r, "/deep-depth0", 403, 16)
            # A certificate issued directly by the anchor still passes with depth 0.
            r = request(gw, "/edge-depth0", cert="edge")
            check_admitted(gw, up, r, "/edge-depth0", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
