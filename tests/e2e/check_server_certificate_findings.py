#!/usr/bin/env python3
"""Server certificate findings of `certgate check`: a key that does not match is an error (CG003, exit 2: serve
would refuse to start); an expired certificate (CG111), one that expires in ten days (CG112) and one that does
not cover a [[host]] name (CG113: exact and wildcard names, SAN wildcard rules) are warnings (exit 1). A DER
server certificate is read as serve reads it: no finding."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, findings, run, run_json, serve_toml, write


def main():
    d = subdir("server-cert")
    p = ToolPki(os.path.join(d, "pki"))
    base = serve_toml(p, [p.pem("ca")], "[mapping]\nchain_only = true\n")

    # The edge client's key with the server certificate.
    write(d, "mismatch.toml", base.replace(p.key("server"), p.key("edge")))
    r, report = run_json(["check", "-c", "mismatch.toml"], d)
    check_eq(codes(report), ["CG003"], "findings for a key that does not match", r)
    check_eq(report["findings"][0]["severity"], "error", "severity", r)
    check_eq(r.code, 2, "exit code for an error", r)
    check(p.key("edge") in report["findings"][0]["message"], "names the key file", r)
    # serve agrees: it refuses to start with this pair.
    r = run(["serve", "-c", "mismatch.toml"], d, timeout=10)
    check_eq(r.code, 2, "serve refuses the same configuration", r)

    p.issue("old-server", "/O=Example/CN=localhost", extensions="v3_server", days=(-60, -5))
    write(d, "expired.toml", base.replace(p.pem("server"), p.pem("old-server")).replace(p.key("server"),
                                                                                        p.key("old-server")))
    r, report = run_json(["check", "-c", "expired.toml"], d)
    check_eq(codes(report), ["CG111"], "findings for an expired server certificate", r)
    check("days ago" in report["findings"][0]["message"], "says since when", r)
    check_eq(r.code, 1, "exit code", r)

    p.issue("short-server", "/O=Example/CN=localhost", extensions="v3_server", days=(-1, 10))
    write(d, "expiring.toml", base.replace(p.pem("server"), p.pem("short-server")).replace(p.key("server"),
                                                                                           p.key("short-server")))
    r, report = run_json(["check", "-c", "expiring.toml"], d)
    check_eq(codes(report), ["CG112"], "findings for a server certificate that expires soon", r)

    # The server certificate names localhost, 127.0.0.1, ::1, a.test and b.test.
    hosts = base + '\n[[host]]\nnames = ["a.test", "c.test"]\n\n[[host]]\nnames = ["*.b.test"]\n'
    write(d, "names.toml", hosts)
    r, report = run_json(["check", "-c", "names.toml"], d)
    check_eq(codes(report), ["CG113", "CG113"], "findings for names the certificate lacks", r)
    messages = [f["message"] for f in findings(report, "CG113")]
    check("'c.test'" in messages[0] and "'*.b.test'" in messages[1], "the names: %r" % messages, r)
    check_eq([f["hosts"] for f in report["findings"]], [["a.test"], ["*.b.test"]], "the blocks", r)
    check_eq(report["findings"][0]["position"], p.pem("server"), "points at the certificate file", r)

    # A DER server certificate: serve reads it with the same loader as check, so nothing to report.
    der = os.path.join(d, "server.der")
    subprocess.run(["openssl", "x509", "-in", p.pem("server"), "-outform", "DER", "-out", der], check=True,
                   capture_output=True, timeout=30)
    write(d, "der.toml", base.replace(p.pem("server"), der))
    r, report = run_json(["check", "-c", "der.toml"], d)
    check_eq(codes(report), [], "findings for a DER server certificate", r)
    check_eq(r.code, 0, "exit code", r)

if __name__ == "__main__":
    run_test(main)
