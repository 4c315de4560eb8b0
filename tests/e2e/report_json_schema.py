#!/usr/bin/env python3
"""`certgate report --json`: the schema documented in docs/tools.md ("certgate report"): every key, its type,
the counts of a log with admitted, would-be refused, enforced, unreadable and dropped lines, and the exit
status (1: not safe). A file that cannot be read is exit 2 and no report."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.access_log_lines import Line, drop_marker, now, refused_by_edge_ca, write_log
from harness.common import check, check_eq, run_test, subdir
from harness.tools import run, run_json

KEYS = ["verdict", "safe_to_enforce", "reasons", "files", "since", "host", "edge_ranges", "lines_read",
        "first_time", "last_time", "requests", "admitted", "would_refuse", "not_from_edge", "already_refused",
        "unreadable_lines", "unreadable", "dropped_lines", "drop_markers"]
REFUSALS = ["total", "by_reason", "by_client_ip", "by_fingerprint", "by_host"]


def main():
    d = subdir("json")
    t = now() - datetime.timedelta(minutes=5)
    first = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    lines = [Line(t), refused_by_edge_ca(t + datetime.timedelta(seconds=1), client="198.51.100.7:1"),
             Line(t + datetime.timedelta(seconds=2), status=403, substatus=16, reason="x", identity="", mapping=""),
             "not a line", drop_marker(t + datetime.timedelta(seconds=3), 4, json=True)]
    log = write_log(os.path.join(d, "access.log"), lines, json=True)
    r, j = run_json(["report", "access.log", "--edge", "173.245.48.0/20", "--host", "WWW.example.com"], d)
    check_eq(r.code, 1, "exit code", r)
    check_eq(list(j.keys()), KEYS, "top-level keys, in order", r)
    check_eq(j["verdict"], "not safe to enforce", "verdict", r)
    check_eq(j["safe_to_enforce"], False, "safe_to_enforce", r)
    check_eq(len(j["reasons"]), 2, "two reasons (the unreadable line, the dropped lines)", r)
    check_eq(j["files"], ["access.log"], "files", r)
    check_eq(j["since"], None, "since", r)
    check_eq(j["host"], "WWW.example.com", "host", r)
    check_eq(j["edge_ranges"], 1, "edge_ranges", r)
    check_eq(j["lines_read"], 5, "lines_read", r)
    check_eq(j["first_time"], first, "first_time", r)
    check(isinstance(j["last_time"], str), "last_time", r)
    check_eq((j["requests"], j["admitted"]), (3, 1), "requests, admitted", r)
    for part in ("would_refuse", "not_from_edge"):
        check_eq(list(j[part].keys()), REFUSALS, "keys of %s" % part, r)
    check_eq(j["would_refuse"]["total"], 0, "none would be refused from the edge", r)
    nfe = j["not_from_edge"]
    check_eq(nfe["total"], 1, "not_from_edge total", r)
    check_eq(nfe["by_reason"], [{"status": "403.16", "reason": "unable to get local issuer certificate", "count": 1}],
             "by_reason rows", r)
    check_eq(nfe["by_client_ip"], [{"client_ip": "198.51.100.7", "count": 1}], "by_client_ip rows", r)
    check_eq(nfe["by_fingerprint"][0]["count"], 1, "by_fingerprint rows", r)
    check_eq(nfe["by_host"], [{"host": "www.example.com", "count": 1}], "by_host rows", r)
    check_eq(j["already_refused"], {"total": 1, "by_status": [{"status": "403.16", "count": 1}]}, "already_refused", r)
    check_eq(j["unreadable_lines"], 1, "unreadable_lines", r)
    check_eq(list(j["unreadable"][0].keys()), ["file", "line", "why"], "unreadable row keys", r)
    check_eq((j["unreadable"][0]["file"], j["unreadable"][0]["line"]), ("access.log", 4), "unreadable row", r)
    check_eq((j["dropped_lines"], j["drop_markers"]), (4, 1), "dropped_lines, drop_markers", r)

    r, j = run_json(["report", "access.log"], d)
    check_eq(j["not_from_edge"], None, "not_from_edge without an edge", r)
    check_eq(j["edge_ranges"], None, "edge_ranges without an edge", r)
    check_eq(j["would_refuse"]["total"], 1, "the refusal counts without an edge", r)

    r = run(["report", "access.log", "missing.log", "--json"], d)
    check_eq(r.code, 2, "exit code for a file that cannot be read", r)
    check_eq(r.stdout, "", "no report", r)
    check("missing.log: cannot be read" in r.stderr, "names the file", r)


if __name__ == "__main__":
    run_test(main)
