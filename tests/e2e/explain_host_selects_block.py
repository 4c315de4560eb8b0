#!/usr/bin/env python3
"""`explain --host` picks the host block as the server picks it by SNI (exact names, "*." wildcards, the [tls]
block otherwise), with that block's trust anchors and mappings: b.test's client is admitted for b.test and
refused (403.16) everywhere else; the edge client the other way round. A Host header with a port is accepted."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check_eq, pki, run_test, subdir
from harness.gateway import base_config, to_toml
from harness.hosts import two_host_config
from harness.tools import run_json, write


def main():
    p = pki()
    d = subdir("hosts")
    cfg = two_host_config(p, "http://127.0.0.1:1")
    cfg["host"][0]["names"] = ["b.test", "*.b.example"]
    write(d, "certgate.toml", to_toml(cfg))

    cases = [  # --host, certificate, block, status text, identity
        (None, "bclient", "default", "403.16", ""),
        ("b.test", "bclient", "b.test", "200", "b-user"),
        ("B.TEST:8443", "bclient", "b.test", "200", "b-user"),
        ("x.b.example", "bclient", "b.test", "200", "b-user"),
        ("b.example", "bclient", "default", "403.16", ""),
        ("a.test", "edge", "default", "200", "edge-user"),
        ("b.test", "edge", "b.test", "403.16", ""),
    ]
    for host, cert, block, status, identity in cases:
        args = ["explain", "-c", "certgate.toml", "--cert", p.pem(cert)] + (["--host", host] if host else [])
        r, report = run_json(args, d)
        what = "%s for --host %s" % (cert, host)
        check_eq(report["host"]["block"], block, "block chosen for %s" % what, r)
        check_eq(report["host"]["requested"], host, "requested host echoed for %s" % what, r)
        check_eq((report["decision"]["status_text"], report["decision"]["identity"]), (status, identity), what, r)
        check_eq(r.code, 0 if status == "200" else 1, "exit code for %s" % what, r)


if __name__ == "__main__":
    run_test(main)
