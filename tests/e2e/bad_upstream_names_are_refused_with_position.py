#!/usr/bin/env python3
"""A [[host]] upstream that names no [upstreams.NAME] table, and an upstream whose servers mix http and https, are
refused by `certgate check` (exit 2) and by serve, with file:line:column of the value."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, line_of, run, run_json, serve_toml, write

UNKNOWN = """
[upstreams.api]
servers = ["http://127.0.0.1:9001"]

[[host]]
names = ["api.example.com"]
upstream = "apx"
"""
MIXED = """
[upstreams.api]
servers = ["http://127.0.0.1:9001", "https://127.0.0.1:9002"]
"""


def refused(d, name, text, needle, column, *words):
    write(d, name, text)
    line = line_of(text, needle)
    r, report = run_json(["check", "-c", name], d)
    check_eq(r.code, 2, "exit code of check -c %s" % name, r)
    finding = report["findings"][0]
    check_eq((finding["severity"], finding["line"], finding["column"]), ("error", line, column), "severity and position", r)
    for word in words:
        check(word in finding["message"], "message should contain %r: %r" % (word, finding["message"]), r)
    r = run(["serve", "-c", name], d)
    check(r.code != 0, "serve refuses %s" % name, r)
    check("%s:%d:%d" % (name, line, column) in r.stderr, "serve names the position", r)


def main():
    d = subdir("upstream-names")
    p = ToolPki(os.path.join(d, "pki"))
    refused(d, "unknown.toml", serve_toml(p, [p.pem("ca")], "[mapping]\nchain_only = true\n", UNKNOWN),
            'upstream = "apx"', 12, "unknown upstream 'apx'", "did you mean 'api'")
    refused(d, "mixed.toml", serve_toml(p, [p.pem("ca")], "[mapping]\nchain_only = true\n", MIXED),
            "servers = [", 37, "https://127.0.0.1:9002", "one scheme")


if __name__ == "__main__":
    run_test(main)
