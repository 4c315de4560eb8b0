#!/usr/bin/env python3
"""The [[host]] block `pki issue` prints, written into a configuration, makes `certgate explain` admit the issued
edge certificate for that hostname with the mapped identity (the block's client_ca is DIR/client-ca.pem, its
one-to-one mapping the certificate file), and refuse a client certificate of another CA (403.16)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.pki_cli import explain, explain_config, host_block, init, issue


def main():
    d = subdir("pki-explain")
    aop = os.path.join(d, "aop")
    init(aop, d)
    steps = issue(aop, d, "www.example.com", "--user", "edge-of-example", "--enforce")
    block = host_block(steps)
    check('client_ca = ["%s"]' % os.path.join(aop, "client-ca.pem") in block, "client_ca is the bundle\n" + block)
    check('mode = "require"' in block, "mode require\n" + block)
    config, tool = explain_config(d, block)

    leaf = os.path.join(aop, "edge", "www.example.com", steps["certificate"] + ".pem")
    r, report = explain(d, config, leaf)
    check_eq(report["host"]["block"], "www.example.com", "block chosen", r)
    check_eq((report["decision"]["status_text"], report["decision"]["identity"]), ("200", "edge-of-example"),
             "issued certificate admitted", r)
    check_eq(r.code, 0, "explain exit code for the issued certificate", r)

    r, report = explain(d, config, tool.pem("edge"))
    check_eq(report["decision"]["status_text"], "403.16", "another CA's certificate refused", r)
    check_eq(r.code, 1, "explain exit code for another CA's certificate", r)


if __name__ == "__main__":
    run_test(main)
