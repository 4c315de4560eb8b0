#!/usr/bin/env python3
"""A TOML configuration without any mapping, and the flags-only one-liner without --chain-only, give no
certificate an identity: every verified certificate gets 401.2 with a reason that says no mapping is configured
and how chain-only is chosen; untrusted and missing certificates are refused as before."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def check_unmapped(gw, up, label):
    for cert in ("edge", "unmapped", "deep-chain"):
        path = "/%s-%s" % (label, cert)
        r = request(gw, path, cert=cert)
        entry = check_rejected(gw, up, r, path, 401, 2)
        check_eq(entry.get("verify"), "SUCCESS", "the chain verifies (%s)" % path, r)
        reason = entry.get("reason", "")
        check("no mapping is configured" in reason and "chain_only = true" in reason and "--chain-only" in reason,
              "the reason says what is missing and how to choose chain-only: %r" % reason, r)
        check(reason in r.text, "loopback clients see the reason in the body", r)
    check_rejected(gw, up, request(gw, "/%s-rogue" % label, cert="rogue"), "/%s-rogue" % label, 403, 16)
    check_rejected(gw, up, request(gw, "/%s-none" % label, cert=None), "/%s-none" % label, 403, 7)


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        del cfg["mapping"]  # a file that simply forgot its mappings
        with Gateway(cfg, name="no-mapping-table") as gw:
            check_unmapped(gw, up, "toml")

        cfg["mapping"] = {"chain_only": False, "anonymous": False}
        with Gateway(cfg, name="chain-only-false") as gw:
            check_unmapped(gw, up, "false")

        def argv(gw):
            return ["serve", "--listen", gw.address(), "--cert", p.pem("server"), "--key", p.key("server"),
                    "--client-ca", p.pem("ca"), "--upstream", up.url, "--access-log", gw.access_log_path,
                    "--log-format", "json"]

        with Gateway(argv=argv, name="flags-only") as gw:
            check_unmapped(gw, up, "flags")


if __name__ == "__main__":
    run_test(main)
