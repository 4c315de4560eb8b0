#!/usr/bin/env python3
"""A host block whose alpn leaves out "h2" serves HTTP/1.1 only: `certgate check` says so with a note (CG011)
at the block's alpn, naming the blocks it applies to (a [[host]] without alpn inherits [tls]'s, and is named
with it); a note alone still exits 0. A block whose alpn lists h2 (or the default, h2 then http/1.1) gets no
such note."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, findings, line_of, run, run_json, serve_toml, write

EDGE = """[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"
"""


def cg011(d, text):
    write(d, "certgate.toml", text)
    r, report = run_json(["check", "-c", "certgate.toml"], d)
    check_eq(r.code, 0, "exit code (notes only)", r)
    check_eq(report["summary"]["warnings"] + report["summary"]["errors"], 0, "no warnings or errors", r)
    return r, findings(report, "CG011")


def main():
    d = subdir("alpn")
    p = ToolPki(os.path.join(d, "pki"))
    base = serve_toml(p, [p.pem("ca")], EDGE)

    # One [[host]] switches h2 off; [tls] and the other block keep the default.
    text = base + '\n[[host]]\nnames = ["a.test"]\nalpn = ["http/1.1"]\n\n[[host]]\nnames = ["b.test"]\n'
    r, notes = cg011(d, text)
    check_eq(len(notes), 1, "one CG011 note", r)
    note = notes[0]
    check_eq((note["severity"], note["hosts"]), ("note", ["a.test"]), "(severity, hosts)", r)
    check_eq(note["line"], line_of(text, 'alpn = ["http/1.1"]'), "the note points at the block's alpn", r)
    check("HTTP/2 is off for this block" in note["message"] and "HTTP/1.1" in note["message"],
          "the message: %r" % note["message"], r)
    r = run(["check", "-c", "certgate.toml"], d)
    check("note CG011 [a.test]: HTTP/2 is off for this block" in r.stdout, "the text output names the block", r)

    # [tls] without h2: the [[host]] inheriting it is named in the same note, the one that lists h2 is not.
    text = base.replace('mode = "require"\n', 'mode = "require"\nalpn = ["http/1.1"]\n', 1)
    text += '\n[[host]]\nnames = ["a.test"]\nalpn = ["http/1.1", "h2"]\n\n[[host]]\nnames = ["b.test"]\n'
    r, notes = cg011(d, text)
    check_eq([(n["hosts"], n["line"]) for n in notes], [(["default", "b.test"], line_of(text, "alpn = "))],
             "one note for [tls] and the block inheriting it", r)

    # The default (h2, http/1.1) and an explicit h2-only list: no note.
    text = base + '\n[[host]]\nnames = ["a.test"]\nalpn = ["h2"]\n'
    r, notes = cg011(d, text)
    check_eq(notes, [], "no CG011 when every block offers h2", r)


if __name__ == "__main__":
    run_test(main)
