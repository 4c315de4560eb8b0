#!/usr/bin/env python3
"""`certgate report` on the log of a report-only rollout where every request would be admitted (and one was
refused by an enforced block): "safe to enforce", exit 0, for text and JSON logs, for a rotated log read
before the current one, and for a log on standard input ("-")."""
import datetime
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.access_log_lines import Line, now, write_log
from harness.common import certgate_bin, check, check_eq, run_test, subdir
from harness.tools import run


def lines(start):
    out = [Line(start + datetime.timedelta(seconds=i), path="/item/%d" % i) for i in range(5)]
    out.append(Line(start + datetime.timedelta(seconds=6), client="[2400:cb00:2049:1::a29f:1a]:443", proto="h2"))
    # An enforced refusal (another host block) is counted apart and does not make enforcing unsafe.
    out.append(Line(start + datetime.timedelta(seconds=7), host="admin.example.com", status=403, substatus=7,
                    reason="no client certificate", fingerprint="", identity="", mapping="", verify="NONE"))
    return out


def main():
    d = subdir("safe")
    t = now() - datetime.timedelta(minutes=10)
    for fmt in ("text", "json"):
        log = write_log(os.path.join(d, "access-%s.log" % fmt), lines(t), json=fmt == "json")
        r = run(["report", log], d)
        check_eq(r.code, 0, "exit code (%s log)" % fmt, r)
        check_eq(r.stdout.splitlines()[0], "safe to enforce", "verdict line (%s log)" % fmt, r)
        check("requests                   7" in r.stdout, "7 requests counted (%s log)" % fmt, r)
        check("  admitted                 6" in r.stdout, "6 admitted (%s log)" % fmt, r)
        check("  already refused          1" in r.stdout, "the enforced refusal counted apart (%s log)" % fmt, r)
        check("403.7" in r.stdout, "the enforced refusal's status shown (%s log)" % fmt, r)

    rotated = write_log(os.path.join(d, "access.log.1"), lines(t - datetime.timedelta(hours=1)))
    current = write_log(os.path.join(d, "access.log"), lines(t))
    r = run(["report", rotated, current], d)
    check_eq(r.code, 0, "exit code (rotated, then current)", r)
    check("lines read                14" in r.stdout, "both files read", r)

    with open(current, "rb") as f:
        p = subprocess.run([certgate_bin(), "report", "-"], stdin=f, capture_output=True, timeout=30, text=True)
    check_eq(p.returncode, 0, "exit code for standard input: " + p.stderr)
    check(p.stdout.startswith("safe to enforce\n") and "lines read                 7  (-)" in p.stdout,
          "standard input read:\n" + p.stdout)


if __name__ == "__main__":
    run_test(main)
