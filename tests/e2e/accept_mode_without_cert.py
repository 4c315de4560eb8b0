#!/usr/bin/env python3
"""mode = "accept" without a client certificate: 401.2, unless [mapping] anonymous = true (then proxied
with X-Client-Verify NONE and no identity)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["mode"] = "accept"
        with Gateway(cfg, name="accept") as gw:
            r = request(gw, "/no-cert", cert=None)
            entry = check_rejected(gw, up, r, "/no-cert", 401, 2)
            check_eq(entry.get("verify"), "NONE", "access log verify", r)

        cfg["mapping"]["anonymous"] = True
        with Gateway(cfg, name="accept-anonymous") as gw:
            r = request(gw, "/anonymous", cert=None)
            check_eq(r.status, 200, "status of an anonymous request", r)
            check_eq(r.json().get("path"), "/anonymous", "the upstream answered", r)
            check_eq(r.upstream_header("X-Client-Verify"), ["NONE"], "X-Client-Verify", r)
            check(all(v == "" for v in r.upstream_header("X-Client-Identity")), "no identity expected", r)
            entry = gw.log_for_path("/anonymous")
            check_eq(entry.get("status"), 200, "access log status", r)
            check_eq(entry.get("verify"), "NONE", "access log verify", r)
            check_eq(entry.get("identity") or "", "", "access log identity", r)


if __name__ == "__main__":
    run_test(main)
