#!/usr/bin/env python3
"""`certgate check` says, for each host block, what its mapping does with a certificate that verifies: mapped
with N mappings, chain-only, or no mapping (everything refused); a block with no mapping and no chain_only is a
warning, CG207, at its [mapping] table (or the IIS section). Text and JSON say the same; serve's verdicts agree."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, findings, line_of, run, run_json, serve_toml, write

MAPPINGS = """[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"

[[mapping.many_to_one]]
name = "old"
user = "old-user"
enabled = false
"""
HOSTS = """
[[host]]
names = ["a.test"]
[host.mapping]
chain_only = true

[[host]]
names = ["b.test"]
[host.mapping]
anonymous = false
"""
WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="false" />
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""


def main():
    d = subdir("mapping-mode")
    p = ToolPki(os.path.join(d, "pki"))
    text = serve_toml(p, [p.pem("ca")], MAPPINGS, HOSTS)
    write(d, "certgate.toml", text)

    r, report = run_json(["check", "-c", "certgate.toml"], d)
    blocks = [(b["block"], b["mapping_mode"], b["mappings"], b["mappings_in_force"]) for b in report["blocks"]]
    check_eq(blocks, [("default", "mapped", 2, 1), ("a.test", "chain_only", 0, 0), ("b.test", "none", 0, 0)],
             "the mapping mode of each block", r)
    check_eq(codes(report), ["CG207"], "only the block without a mapping is a finding", r)
    cg207 = findings(report, "CG207")[0]
    check_eq((cg207["line"], cg207["hosts"]), (line_of(text, 'names = ["b.test"]') + 1, ["b.test"]),
             "CG207 at b.test's [host.mapping]", r)
    check("refused with 401.2" in cg207["message"], "says what follows: %r" % cg207["message"], r)
    check("chain_only = true" in cg207["fix"] and "--chain-only" in cg207["fix"], "says how to choose chain-only", r)
    check_eq(r.code, 1, "a warning: exit 1", r)

    r = run(["check", "-c", "certgate.toml"], d)
    lines = r.stdout.splitlines()
    check_eq(lines[:3], [
        "mapping [default]: mapped with 2 mappings (0 one-to-one, 2 many-to-one), 1 of them in force",
        "mapping [a.test]: chain-only (chain_only = true): every certificate that verifies is admitted, as its "
        "subject CN",
        "mapping [b.test]: no mapping: no mappings are configured and chain_only is not set, so every certificate "
        "that verifies is refused with 401.2",
    ], "one line per block, first", r)
    check(("certgate.toml:%d:1: warning CG207 [b.test]: " % cg207["line"]) in r.stdout, "the finding's text line", r)

    # explain tells the same per block, in its trace.
    for host, mode, status in (("localhost", "mapped", "200"), ("a.test", "chain_only", "200"), ("b.test", "none", "401.2")):
        r, explained = run_json(["explain", "-c", "certgate.toml", "--cert", p.pem("edge"), "--host", host], d)
        step = [s for s in explained["trace"] if s["kind"] == "mapping_mode"]
        check_eq([s["actual"] for s in step], [mode], "explain's mapping mode for %s" % host, r)
        check_eq(explained["decision"]["status_text"], status, "explain's verdict for %s" % host, r)
    r = run(["explain", "-c", "certgate.toml", "--cert", p.pem("edge"), "--host", "b.test"], d)
    check("Mapping      No mapping: no mappings are configured and chain_only is not set" in r.stdout,
          "explain's text names the mapping mode", r)

    # An IIS section that is switched off: no mapping, as in IIS, at the section's position.
    write(d, "web.config", WEB_CONFIG)
    r, report = run_json(["check", "--iis-config", "web.config", "--client-ca", p.pem("ca")], d)
    check_eq([(b["block"], b["mapping_mode"]) for b in report["blocks"]], [("default", "none")], "IIS: no mapping", r)
    check_eq([c for c in codes(report) if c != "CG009"], ["CG207"], "IIS: CG207", r)
    check_eq(findings(report, "CG207")[0]["position"],
             "web.config:%d:9" % line_of(WEB_CONFIG, "iisClientCertificateMappingAuthentication"),
             "at the IIS section", r)

    # --chain-only on the command line chooses it (and takes no IIS file).
    r, report = run_json(["check", "--client-ca", p.pem("ca"), "--chain-only"], d)
    check_eq([b["mapping_mode"] for b in report["blocks"]], ["chain_only"], "--chain-only", r)
    check("CG207" not in codes(report), "no CG207 once chosen", r)
    r = run(["check", "--iis-config", "web.config", "--client-ca", p.pem("ca"), "--chain-only"], d)
    check_eq(r.code, 2, "--chain-only with an IIS file is a configuration error", r)
    check("--chain-only: error CG001: cannot be combined with an IIS configuration" in r.stdout, "names the flag", r)


if __name__ == "__main__":
    run_test(main)
