#!/usr/bin/env python3
"""`--help` of check, explain, cert, cert show and cert convert exits 0 and shows examples and the exit statuses;
an unknown option is a usage error (exit 2)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import run


def main():
    d = subdir("help")
    for command in (["check"], ["explain"], ["cert"], ["cert", "show"], ["cert", "convert"]):
        r = run(command + ["--help"], d)
        what = "certgate %s --help" % " ".join(command)
        check_eq(r.code, 0, "exit code of %s" % what, r)
        check("Examples:" in r.stdout, "%s shows examples" % what, r)
        check(("certgate %s" % " ".join(command)) in r.stdout, "%s shows a command line" % what, r)
        if command != ["cert"]:
            check("Exit status" in r.stdout, "%s documents its exit statuses" % what, r)
    for command in (["check"], ["explain"], ["cert", "show"]):
        r = run(command + ["--jsn"], d)
        check_eq(r.code, 2, "exit code of certgate %s with an unknown option" % " ".join(command), r)
    r = run(["explain", "--help"], d)
    check("--iis-config" in r.stdout and "--client-ca" in r.stdout, "explain takes serve's configuration flags", r)
    check("CLIENT certificate" in r.stdout, "explain says what its --cert is", r)


if __name__ == "__main__":
    run_test(main)
