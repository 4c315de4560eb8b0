#!/usr/bin/env python3
"""No configuration file, flags only, as in the README: with --chain-only a verified chain is enough (identity =
subject CN, mapping "(chain)"); no certificate or an untrusted one is still refused. (Without --chain-only:
toml_without_mappings_refuses_with_401_2.)"""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import pki, run_test
from harness.gateway import Gateway
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        def argv(gw):
            return ["serve", "--listen", gw.address(), "--cert", p.pem("server"), "--key", p.key("server"),
                    "--client-ca", p.pem("ca"), "--upstream", up.url, "--access-log", gw.access_log_path,
                    "--log-format", "json", "--chain-only"]

        with Gateway(argv=argv) as gw:
            r = request(gw, "/edge", cert="edge")
            check_admitted(gw, up, r, "/edge", "edge.example.com", "(chain)")
            r = request(gw, "/other", cert="unmapped")
            check_admitted(gw, up, r, "/other", "other.example.com", "(chain)")
            check_rejected(gw, up, request(gw, "/rogue", cert="rogue"), "/rogue", 403, 16)
            check_rejected(gw, up, request(gw, "/none", cert=None), "/none", 403, 7)


if __name__ == "__main__":
    run_test(main)
