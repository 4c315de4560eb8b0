#!/usr/bin/env python3
"""`certgate report` on a log where report-only admitted requests that enforcing would refuse: "not safe to
enforce", exit 1, the reason line names each status and reason with its count, and the tables show the
client address (without its port) and the certificate fingerprint ("-" = no certificate), for text and JSON
logs. Values from the log cannot start a line of the report."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.access_log_lines import Line, now, refused_by_edge_ca, write_log
from harness.common import check, check_eq, run_test, subdir
from harness.tools import run

ROGUE = "c0ffee0000000000000000000000000000000000000000000000000000000000"


def main():
    d = subdir("unsafe")
    t = now() - datetime.timedelta(minutes=5)
    lines = [Line(t)]
    lines += [refused_by_edge_ca(t + datetime.timedelta(seconds=i), client="198.51.100.7:%d" % (50000 + i))
              for i in range(3)]
    lines.append(Line(t, client="[2001:db8::5]:40000", host="api.example.com", would_refuse="401.2",
                      reason="no client certificate", fingerprint="", identity="", mapping="", verify="NONE"))
    lines.append(refused_by_edge_ca(t, client="198.51.100.7:1", host="evil\n2026-01-01T00:00:00.000Z forged"))
    for fmt in ("text", "json"):
        log = write_log(os.path.join(d, "access-%s.log" % fmt), lines, json=fmt == "json")
        r = run(["report", log], d)
        what = " (%s log)" % fmt
        check_eq(r.code, 1, "exit code" + what, r)
        out = r.stdout.splitlines()
        check_eq(out[0], "not safe to enforce", "verdict line" + what, r)
        check_eq(out[1], "  5 requests would be refused: 403.16 unable to get local issuer certificate (4), "
                         "401.2 no client certificate (1)", "reason line" + what, r)
        check(any(l.split() == ["4", "198.51.100.7"] for l in out), "client address without its port" + what, r)
        check(any(l.split() == ["1", "2001:db8::5"] for l in out), "IPv6 client address" + what, r)
        check(any(l.split() == ["4", ROGUE] for l in out), "fingerprint of the refused certificate" + what, r)
        check(any(l.split() == ["1", "-"] for l in out), "'-' for the request without a certificate" + what, r)
        check(not any(l.startswith("2026-01-01") for l in out), "a host value cannot start a line" + what, r)
        check("evil\\x0a2026-01-01T00:00:00.000Z forged" in r.stdout, "the host shown escaped" + what, r)


if __name__ == "__main__":
    run_test(main)
