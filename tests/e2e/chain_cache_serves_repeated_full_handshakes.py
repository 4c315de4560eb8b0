#!/usr/bin/env python3
"""A chain presented again on a new full handshake is served from the host block's verified-chain cache: the
first handshake verifies it (chain_cached false in the access log), the next ones are admitted the same way with
chain_cached true. Resumption is off ([limits] session_cache = 0), so every handshake is a full one. With
[limits] verified_chain_cache = 0 no handshake is served from the cache, and all are admitted all the same."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.upstream import Upstream


DEEP = {"name": "deep", "user": "deep-user",
        "rules": [{"field": "subject", "subfield": "CN", "match": "deep.example.com"}]}


def admitted_three_times(gw, up, cert, label, identity="edge-user", mapping="edge"):
    """Three connections with the same chain; returns chain_cached of each access log entry."""
    cached = []
    for n in range(3):
        path = "/%s-%d" % (label, n)
        entry = check_admitted(gw, up, request(gw, path, cert=cert), path, identity, mapping)
        check_eq(entry.get("resumed"), False, "%s: a full handshake" % path)
        cached.append(entry.get("chain_cached"))
    return cached


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[EDGE_MAPPING, DEEP])
        cfg["limits"] = {"session_cache": 0}
        with Gateway(cfg, name="cache-on") as gw:
            check_eq(admitted_three_times(gw, up, "edge", "edge"), [False, True, True], "edge: chain_cached")
            # Another chain (leaf + intermediate) is another entry: its first handshake verifies it.
            check_eq(admitted_three_times(gw, up, "deep-chain", "deep", "deep-user", "deep"), [False, True, True],
                     "deep-chain: chain_cached")

        cfg["limits"] = {"session_cache": 0, "verified_chain_cache": 0}
        with Gateway(cfg, name="cache-off") as gw:
            check_eq(admitted_three_times(gw, up, "edge", "off"), [False, False, False],
                     "with verified_chain_cache = 0: chain_cached")


if __name__ == "__main__":
    run_test(main)
