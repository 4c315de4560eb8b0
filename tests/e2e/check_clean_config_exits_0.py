#!/usr/bin/env python3
"""`certgate check` on a healthy configuration: exit 0, "no errors, no warnings", empty JSON findings; the port in
[server] listen is not bound. A chain-only policy without listen/upstream/cert (what explain needs) is checked
too: one note (CG009) saying what serve would still need, exit 0."""
import os
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.gateway import free_port
from harness.tools import ToolPki, codes, run, run_json, serve_toml, write

EDGE = """[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"
"""


def main():
    d = subdir("clean")
    p = ToolPki(os.path.join(d, "pki"))
    port = free_port()
    text = serve_toml(p, [p.pem("ca")], EDGE).replace("127.0.0.1:1\"]", "127.0.0.1:%d\"]" % port, 1)
    text += '\n[[host]]\nnames = ["a.test", "b.test"]\n'
    write(d, "certgate.toml", text)

    r = run(["check", "-c", "certgate.toml"], d)
    check_eq(r.code, 0, "exit code for a clean configuration", r)
    check("check: no errors, no warnings" in r.stdout, "summary line", r)
    r, report = run_json(["check", "-c", "certgate.toml"], d)
    check_eq(report["findings"], [], "no findings", r)
    check_eq(report["summary"], {"errors": 0, "warnings": 0, "notes": 0}, "summary", r)
    with socket.socket() as s:  # check binds nothing (and has exited): the port is still free
        s.bind(("127.0.0.1", port))

    # A policy with flags only, as explain would take it.
    r, report = run_json(["check", "--client-ca", p.pem("ca"), "--mode", "require", "--chain-only"], d)
    check_eq(r.code, 0, "exit code for a policy alone", r)
    check_eq(codes(report), ["CG009"], "a note about what serve needs", r)
    note = report["findings"][0]
    check_eq(note["severity"], "note", "severity", r)
    check("listen" in note["message"], "the note says what is missing: %r" % note["message"], r)


if __name__ == "__main__":
    run_test(main)
