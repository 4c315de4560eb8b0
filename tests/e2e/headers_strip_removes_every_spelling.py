#!/usr/bin/env python3
"""A name listed in [headers] strip never reaches the origin from a client, under any spelling (letter case, '_'
for '-', repeated): the '_' spellings are removed by strip itself, since this configuration keeps underscores.
Names not listed pass."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["headers"] = {"strip": ["X-Internal-Role", "x_tenant_id"], "underscores": "keep"}
        with Gateway(cfg) as gw:
            spoofed = ["X-Internal-Role: admin-1", "x-internal-role: admin-2", "X-INTERNAL-ROLE: admin-3",
                       "X_Internal_Role: admin-4", "x_internal_ROLE: admin-5",
                       "X-Tenant-Id: admin-6", "x_tenant_id: admin-7", "X_TENANT-ID: admin-8"]
            r = request(gw, "/strip", cert="edge", headers=spoofed + ["X-Internal-Other: kept", "X_Kept_Too: kept"])
            check_eq(r.status, 200, "status", r)
            for k, v in r.json()["headers"]:
                check("admin" not in v, "a stripped name reached the origin: %s: %s" % (k, v), r)
            check_eq(r.upstream_header("X-Internal-Other"), ["kept"], "a name not listed", r)
            check_eq(r.upstream_header("X_Kept_Too"), ["kept"], "an '_' name not listed (underscores kept)", r)


if __name__ == "__main__":
    run_test(main)
