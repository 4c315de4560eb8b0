#!/usr/bin/env python3
"""Forwarding headers certgate does not write (X-Forwarded-Host, Forwarded, Client-Cert-Chain and their relatives)
and a client's X-Real-IP (certgate writes its own) never reach the origin from a client, in any spelling, and
neither does any name with '_' (the default [headers] underscores = "drop"); other headers pass."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

NOT_WRITTEN = ["X-Forwarded-Host", "Forwarded", "X-Real-IP", "Client-Cert-Chain", "X-Forwarded-Port",
               "X-Forwarded-Server", "True-Client-IP", "X-Client-IP"]


def spellings(name):
    return [name, name.lower(), name.upper(), name.replace("-", "_"), name.lower().replace("-", "_")]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        sent = []
        for name in NOT_WRITTEN:
            for i, spelling in enumerate(spellings(name)):
                sent.append("%s: spoofed-%d" % (spelling, i))
        sent += ["My_Custom: underscored", "Another_One: underscored", "X-Kept-Header: kept"]
        r = request(gw, "/forwarding", cert="edge", headers=sent)
        check_eq(r.status, 200, "status", r)
        received = r.json()["headers"]
        for k, v in received:
            check("spoofed" not in v, "%s: %s reached the origin" % (k, v), r)
            check("_" not in k, "a name with '_' reached the origin: %s" % k, r)
        check_eq(r.upstream_header("X-Kept-Header"), ["kept"], "an ordinary header at the origin", r)
        check_eq(r.upstream_header("X-Forwarded-For"), ["127.0.0.1"], "X-Forwarded-For (certgate's own)", r)


if __name__ == "__main__":
    run_test(main)
