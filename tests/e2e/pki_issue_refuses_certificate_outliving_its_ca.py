#!/usr/bin/env python3
"""`pki issue` refuses (exit 2, nothing written) an edge certificate that would outlive the CA signing it: it
would stop verifying at the origin on the CA's last day. Within the CA's lifetime it is issued."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.pki_cli import init, pki_cmd


def main():
    d = subdir("pki-outliving")
    aop = os.path.join(d, "aop")
    init(aop, d, "--days", "30")
    r = pki_cmd(["issue", "--dir", aop, "--hostname", "www.example.com"], d)
    check_eq(r.code, 2, "exit code for 365 days under a 30-day CA", r)
    check("the newest CA expires" in r.stderr and "--rotate" in r.stderr, "message names the way out", r)
    check(not os.path.exists(os.path.join(aop, "edge")), "nothing written", r)
    r = pki_cmd(["issue", "--dir", aop, "--hostname", "www.example.com", "--days", "29"], d)
    check_eq(r.code, 0, "exit code within the CA's lifetime", r)


if __name__ == "__main__":
    run_test(main)
