#!/usr/bin/env python3
"""`certgate report --edge-file` (Cloudflare's ips-v4 / ips-v6 form, with comments) and `--edge`: requests
that would be refused from addresses outside the edge do not make enforcing unsafe (enforcing refuses them,
as it should) but are listed apart; one from inside the edge, IPv4 seen as v4-mapped IPv6 included, does.
A malformed range is a usage error naming the file and line."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.access_log_lines import Line, now, refused_by_edge_ca, write_log
from harness.common import check, check_eq, run_test, subdir
from harness.tools import run, write


def main():
    d = subdir("edge")
    write(d, "ips-v4", "# Cloudflare IPv4 ranges\n173.245.48.0/20\n103.21.244.0/22\n\n")
    write(d, "ips-v6", "2400:cb00::/32  # edge\n2606:4700::/32\n")
    t = now() - datetime.timedelta(minutes=5)
    outside = [Line(t), Line(t, client="[2606:4700::1]:443"),
               refused_by_edge_ca(t, client="198.51.100.7:1234"),
               refused_by_edge_ca(t, client="[2001:db8::9]:1234")]
    for fmt in ("text", "json"):
        what = " (%s log)" % fmt
        log = write_log(os.path.join(d, "outside-%s.log" % fmt), outside, json=fmt == "json")
        r = run(["report", log, "--edge-file", "ips-v4", "--edge-file", "ips-v6"], d)
        check_eq(r.code, 0, "exit code, would-be refusals only from outside the edge" + what, r)
        check_eq(r.stdout.splitlines()[0], "safe to enforce", "verdict" + what, r)
        check("  not from the edge        2" in r.stdout, "listed apart" + what, r)
        check("not from the edge, by client IP:" in r.stdout and "198.51.100.7" in r.stdout, "their addresses" + what, r)
        r = run(["report", log], d)
        check_eq(r.code, 1, "without the edge ranges they count" + what, r)

        inside = outside + [refused_by_edge_ca(t, client="[::ffff:173.245.48.9]:443")]
        log = write_log(os.path.join(d, "inside-%s.log" % fmt), inside, json=fmt == "json")
        r = run(["report", log, "--edge", "173.245.48.0/20", "--edge", "2606:4700::/32"], d)
        check_eq(r.code, 1, "exit code, a would-be refusal from the edge" + what, r)
        check_eq(r.stdout.splitlines()[1], "  1 request would be refused: 403.16 unable to get local issuer "
                                           "certificate (1)", "reason line" + what, r)

    write(d, "bad-ranges", "173.245.48.0/20\n173.245.48.1/20\n")
    r = run(["report", log, "--edge-file", "bad-ranges"], d)
    check_eq(r.code, 2, "exit code for a malformed range", r)
    check("bad-ranges:2: '173.245.48.1/20' has bits set past its prefix" in r.stderr, "file:line and why", r)


if __name__ == "__main__":
    run_test(main)
