#!/usr/bin/env python3
"""The verified-chain cache belongs to one host block: a chain that a.test admitted and cached (trusting the test
CA) is refused 403.16 by b.test (trusting only its own CA), and b.test's cached chain is refused by a.test.
Resumption is off ([limits] session_cache = 0), so every handshake is a full one."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream


def admitted_and_cached(gw, up, cert, name, identity, mapping):
    for n, cached in enumerate((False, True)):
        path = "/%s-%s-%d" % (name, cert, n)
        entry = check_admitted(gw, up, request(gw, path, cert=cert, name=name), path, identity, mapping)
        check_eq((entry.get("sni"), entry.get("resumed"), entry.get("chain_cached")), (name, False, cached),
                 "%s: (sni, resumed, chain_cached)" % path)


def refused(gw, up, cert, name):
    path = "/%s-%s-refused" % (name, cert)
    entry = check_rejected(gw, up, request(gw, path, cert=cert, name=name), path, 403, 16)
    check_eq((entry.get("sni"), entry.get("chain_cached")), (name, False), "%s: (sni, chain_cached)" % path)


def main():
    p = pki()
    with Upstream() as up:
        cfg = two_host_config(p, up.url)
        cfg["limits"] = {"session_cache": 0}
        with Gateway(cfg) as gw:
            admitted_and_cached(gw, up, "edge", "a.test", "edge-user", "edge")
            refused(gw, up, "edge", "b.test")
            admitted_and_cached(gw, up, "bclient", "b.test", "b-user", "b-clients")
            refused(gw, up, "bclient", "a.test")
            # Each block's own entry is still served to its own clients.
            path = "/a.test-edge-still-cached"
            entry = check_admitted(gw, up, request(gw, path, cert="edge", name="a.test"), path, "edge-user", "edge")
            check_eq(entry.get("chain_cached"), True, "a.test still serves edge from its cache")


if __name__ == "__main__":
    run_test(main)
