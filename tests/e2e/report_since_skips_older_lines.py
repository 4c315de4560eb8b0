#!/usr/bin/env python3
"""`certgate report --since 1h` counts only lines at most an hour old (a refusal two hours ago, before the
configuration was fixed, no longer counts); an absolute RFC 3339 time works the same; a --since that is
neither is a usage error (exit 2)."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.access_log_lines import Line, now, refused_by_edge_ca, write_log
from harness.common import check, check_eq, run_test, subdir
from harness.tools import run


def main():
    d = subdir("since")
    t = now()
    old = t - datetime.timedelta(hours=2)
    recent = t - datetime.timedelta(minutes=30)
    lines = [refused_by_edge_ca(old), refused_by_edge_ca(old + datetime.timedelta(seconds=1)),
             Line(recent), Line(recent + datetime.timedelta(seconds=1))]
    for fmt in ("text", "json"):
        what = " (%s log)" % fmt
        log = write_log(os.path.join(d, "access-%s.log" % fmt), lines, json=fmt == "json")
        r = run(["report", log], d)
        check_eq(r.code, 1, "exit code over the whole log" + what, r)
        r = run(["report", log, "--since", "1h"], d)
        check_eq(r.code, 0, "exit code for the last hour" + what, r)
        check("lines read                 4" in r.stdout, "every line read" + what, r)
        check("requests                   2" in r.stdout, "two requests in the window" + what, r)
        since = (t - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = run(["report", log, "--since", since], d)
        check_eq(r.code, 0, "exit code since %s" % since + what, r)
        r = run(["report", log, "--since", "3h"], d)
        check_eq(r.code, 1, "the old refusals are inside 3 hours" + what, r)
        r = run(["report", log, "--since", "10s"], d)
        check_eq(r.code, 1, "nothing in the last 10 seconds" + what, r)
        check("no request in the log for this window and host" in r.stdout, "says the window is empty" + what, r)
    r = run(["report", log, "--since", "yesterday"], d)
    check_eq(r.code, 2, "exit code for a malformed --since", r)
    check("--since 'yesterday'" in r.stderr, "names the value", r)


if __name__ == "__main__":
    run_test(main)
