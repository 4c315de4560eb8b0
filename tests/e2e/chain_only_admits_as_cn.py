#!/usr/bin/env python3
"""[mapping] chain_only = true: every certificate that chains to client_ca is admitted, with its subject CN as
X-Client-Identity and "(chain)" as X-Client-Mapping; untrusted, expired and missing certificates are still
refused. A [[host]] block with its own [host.mapping] keeps its own choice."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["mapping"] = {"chain_only": True}
        # b.test maps nothing of its own and has not chosen chain-only: nothing gets an identity there.
        cfg["host"] = [{"names": ["b.test"], "mapping": {"anonymous": False}}]
        with Gateway(cfg) as gw:
            check_admitted(gw, up, request(gw, "/edge", cert="edge"), "/edge", "edge.example.com", "(chain)")
            check_admitted(gw, up, request(gw, "/other", cert="unmapped"), "/other", "other.example.com", "(chain)")
            check_admitted(gw, up, request(gw, "/deep", cert="deep-chain"), "/deep", "deep.example.com", "(chain)")
            check_rejected(gw, up, request(gw, "/rogue", cert="rogue"), "/rogue", 403, 16)
            check_rejected(gw, up, request(gw, "/expired", cert="expired"), "/expired", 403, 17)
            check_rejected(gw, up, request(gw, "/none", cert=None), "/none", 403, 7)
            check_rejected(gw, up, request(gw, "/b-edge", cert="edge", name="b.test"), "/b-edge", 401, 2)


if __name__ == "__main__":
    run_test(main)
