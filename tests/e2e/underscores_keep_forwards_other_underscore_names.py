#!/usr/bin/env python3
"""[headers] underscores: by default ("drop") a client's names with '_' never reach the origin; with "keep" they
do, except those that fold to a reserved name (X_Client_Identity, X_Forwarded_For, Content_Length, ...), which are
dropped under every spelling either way."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

SENT = ["X_Custom_Thing: custom", "legacy_auth_token: legacy",
        "X_Client_Identity: spoofed", "x_forwarded_for: spoofed", "Content_Length: spoofed", "X_Real_IP: spoofed"]


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url), name="drop") as gw:
            r = request(gw, "/underscores-drop", cert="edge", headers=SENT)
            check_eq(r.status, 200, "status", r)
            names = [k for k, _ in r.json()["headers"]]
            check(not [n for n in names if "_" in n], "no '_' name should reach the origin by default: %r" % names, r)

        cfg = base_config(p, up.url)
        cfg["headers"] = {"underscores": "keep"}
        with Gateway(cfg, name="keep") as gw:
            r = request(gw, "/underscores-keep", cert="edge", headers=SENT)
            check_eq(r.status, 200, "status", r)
            check_eq(r.upstream_header("X_Custom_Thing"), ["custom"], "an '_' name kept", r)
            check_eq(r.upstream_header("legacy_auth_token"), ["legacy"], "another '_' name kept", r)
            for k, v in r.json()["headers"]:
                check("spoofed" not in v, "a reserved name in '_' spelling reached the origin: %s: %s" % (k, v), r)
            check_eq(r.upstream_header("X-Client-Identity"), ["edge-user"], "identity at the origin", r)
            check_eq(r.upstream_header("X-Forwarded-For"), ["127.0.0.1"], "X-Forwarded-For at the origin", r)


if __name__ == "__main__":
    run_test(main)
