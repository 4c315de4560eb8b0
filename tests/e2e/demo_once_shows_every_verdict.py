#!/usr/bin/env python3
"""certgate demo --once (what `make demo` runs, without staying up): the gateway on a free loopback port, the
five cases sent through it by certgate's own HTTPS client, the table with the verdict of each, exit status 0
when every verdict is as expected."""
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.run import run_certgate


def main():
    out = subdir("demo")
    r = run_certgate(["demo", "--once", "--port", "0", "--dir", out], cwd=out, timeout=60)
    check_eq(r.code, 0, "exit code of demo --once", r)
    expected = [
        ("good edge certificate", "200", "cdn", "admitted; origin received X-Client-Identity"),
        ("no certificate", "403.7", "-", "client certificate required"),
        ("rogue CA, same subject", "403.16", "-", "unable to get local issuer certificate"),
        ("expired certificate", "403.17", "-", "certificate has expired"),
        ("trusted but unmapped", "401.2", "-", "certificate verified but no mapping matched"),
    ]
    for case, status, identity, reason in expected:
        row = re.compile(r"^  %s +%s +%s +%s$" % (re.escape(case), re.escape(status), re.escape(identity),
                                                  re.escape(reason)), re.M)
        check(row.search(r.stdout) is not None, "table row for %r" % case, r)
    check(os.path.exists(os.path.join(out, "access.log")), "access log written", r)


if __name__ == "__main__":
    run_test(main)
