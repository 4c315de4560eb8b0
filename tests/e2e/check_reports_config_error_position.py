#!/usr/bin/env python3
"""Errors that make serve refuse a configuration are reported by `certgate check` as errors with file:line:column
and exit 2: an unknown rule subfield (TOML and IIS web.config), TOML that does not parse, a bad flag value (the
flag is the position), and a trust anchor file that does not exist (CG002, the file named)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, line_of, run, run_json, serve_toml, write

BAD_SUBFIELD = """[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CNN"
  match = "edge.example.com"
"""
WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="true">
          <manyToOneMappings>
            <add name="edge" permissionMode="Allow" userName="edge">
              <rules>
                <add certificateField="Subject" certificateSubField="Organisation" matchCriteria="Example" />
              </rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""


def refused(d, args, code, position, *words):
    r, report = run_json(["check"] + args, d)
    check_eq(r.code, 2, "exit code for check %s" % " ".join(args), r)
    check_eq(codes(report), [code], "findings", r)
    finding = report["findings"][0]
    check_eq(finding["severity"], "error", "severity", r)
    check(finding["position"].startswith(position), "position %r should start with %r" % (finding["position"], position), r)
    for word in words:
        check(word in finding["message"], "message should contain %r: %r" % (word, finding["message"]), r)
    check(finding["fix"], "a fix is given", r)
    return finding


def main():
    d = subdir("errors")
    p = ToolPki(os.path.join(d, "pki"))

    text = serve_toml(p, [p.pem("ca")], BAD_SUBFIELD)
    write(d, "bad-subfield.toml", text)
    line = line_of(text, 'subfield = "CNN"')
    f = refused(d, ["-c", "bad-subfield.toml"], "CG001", "bad-subfield.toml:%d:14" % line, "unknown subfield 'CNN'")
    check_eq((f["file"], f["line"], f["column"]), ("bad-subfield.toml", line, 14), "position fields (the value)")
    r = run(["check", "-c", "bad-subfield.toml"], d)
    check(r.stdout.startswith("bad-subfield.toml:%d:14: error CG001: " % line), "text form", r)
    check("check: 1 error, 0 warnings" in r.stdout, "summary", r)

    write(d, "web.config", WEB_CONFIG)
    refused(d, ["--iis-config", "web.config", "--client-ca", p.pem("ca")], "CG001",
            "web.config:%d:" % line_of(WEB_CONFIG, "Organisation"), "Organisation")

    write(d, "syntax.toml", '[server]\nlisten = ["127.0.0.1:1\n')
    refused(d, ["-c", "syntax.toml"], "CG001", "syntax.toml:2:", "TOML")

    refused(d, ["--client-ca", p.pem("ca"), "--mode", "sometimes"], "CG001", "--mode", "sometimes")

    write(d, "missing-ca.toml", serve_toml(p, [p.pem("ca"), os.path.join(d, "no-such-ca.pem")],
                                           "[mapping]\nchain_only = true\n"))
    refused(d, ["-c", "missing-ca.toml"], "CG002", "", "no-such-ca.pem")


if __name__ == "__main__":
    run_test(main)
