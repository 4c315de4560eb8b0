#!/usr/bin/env python3
"""A rotation: a second `pki issue` for the hostname keeps the first active, and the printed block maps both
(two one-to-one mappings) so `certgate explain` admits both; after `pki retire --cert OLD` the printed block maps
only the new one, explain refuses the old (401.2: it still chains, no mapping names it) and still admits the new, and the old files are
kept under DIR/retired/."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.pki_cli import HOSTNAME, explain, explain_config, host_block, init, issue, pki_cmd


def status_and_identity(d, config, cert):
    r, report = explain(d, config, cert)
    return report["decision"]["status_text"], report["decision"]["identity"]


def main():
    d = subdir("pki-rotation")
    aop = os.path.join(d, "aop")
    init(aop, d)
    old = issue(aop, d)["certificate"]
    steps = issue(aop, d)
    new = steps["certificate"]
    check_eq(steps["config"]["mapped"], [old, new], "both certificates mapped")
    block = host_block(steps)
    check_eq(block.count("[[host.mapping.one_to_one]]"), 2, "two mappings\n" + block)
    old_pem = os.path.join(aop, "edge", HOSTNAME, old + ".pem")
    new_pem = os.path.join(aop, "edge", HOSTNAME, new + ".pem")
    config, _ = explain_config(d, block, "rotation.toml")
    for cert in (old_pem, new_pem):
        check_eq(status_and_identity(d, config, cert), ("200", "cloudflare-edge"), "admitted during rotation: " + cert)

    r, retired = pki_cmd(["retire", "--dir", aop, "--cert", old], d, json_output=True)
    check_eq(r.code, 0, "retire exit code", r)
    check_eq(retired["retired"]["state"], "retired", "state after retire", r)
    block = retired["next_steps"][0]["config"]["toml"]
    check(old not in block and new in block, "the retired certificate left the block\n" + block)
    retired_pem = os.path.join(aop, "retired", "edge", HOSTNAME, old + ".pem")
    check(os.path.exists(retired_pem) and not os.path.exists(old_pem), "old files kept under retired/")
    config, _ = explain_config(d, block, "after-retire.toml")
    check_eq(status_and_identity(d, config, new_pem), ("200", "cloudflare-edge"), "new admitted after retire")
    check_eq(status_and_identity(d, config, retired_pem)[0], "401.2", "old refused after retire")


if __name__ == "__main__":
    run_test(main)
