#!/usr/bin/env python3
"""The real, expired Cloudflare AOP leaf with the 2015-2020 origin-pull CA: `explain --chain-only --at 2016-08-01`
(also as unix seconds and with a time zone) admits it as its CN, exit 0; without --chain-only and without mappings
the verified chain gets 401.2, exit 1; today it is refused with 403.17, exit 1, and the verification lists
OpenSSL's "certificate has expired" for both the leaf and the CA. A mapping on its real subject gives the mapped
user. A malformed --at is exit 2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, run_test, test_data_dir, subdir
from harness.tools import run, run_json, write

CONFIG = """[tls]
client_ca = ["%s"]
mode = "require"

[[mapping.many_to_one]]
name = "cloudflare"
user = "cloudflare-edge"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "origin-pull.cloudflare.net"
  [[mapping.many_to_one.rules]]
  field = "issuer"
  subfield = "O"
  match = "CloudFlare, Inc."
"""


def main():
    aop = os.path.join(test_data_dir(), "aop-certs")
    ca = os.path.join(aop, "cloudflare-aop-origin-pull-ca-2015-2020-expired.pem")
    leaf = os.path.join(aop, "cloudflare-aop-leaf-2016-2017-expired.pem")
    if not os.path.exists(ca) or not os.path.exists(leaf):
        fail("the Cloudflare certificates are missing under %s (CERTGATE_TEST_DATA_DIR)" % aop)
    d = subdir("cloudflare")
    flags = ["explain", "--client-ca", ca, "--cert", leaf]

    for at in ("2016-08-01", "1470009600", "2016-08-01T02:00:00+02:00"):
        r, report = run_json(flags + ["--chain-only", "--at", at], d)
        check_eq(r.code, 0, "exit code at %s" % at, r)
        check_eq(report["decision"]["status_text"], "200", "decision at %s" % at, r)
        check_eq((report["decision"]["identity"], report["decision"]["mapping"]),
                 ("origin-pull.cloudflare.net", "(chain)"), "chain-only: the CN at %s" % at, r)
        check_eq(report["evaluated_at"], "2016-08-01T00:00:00Z", "the time used for --at %s" % at, r)
        check_eq(report["verification"]["status"], "ok", "verification at %s" % at, r)
        check_eq([link["trust_anchor"] for link in report["verification"]["chain"]], [False, True],
                 "leaf, then the CA as trust anchor", r)

    r, report = run_json(flags + ["--at", "2016-08-01"], d)
    check_eq((r.code, report["decision"]["status_text"]), (1, "401.2"), "no mapping and no --chain-only", r)
    check_eq(report["verification"]["status"], "ok", "the chain itself verifies", r)
    check("no mapping is configured" in report["decision"]["reason"], "the reason says why", r)

    r, report = run_json(flags, d)
    check_eq(r.code, 1, "exit code today", r)
    check_eq(report["decision"]["status_text"], "403.17", "decision today", r)
    check_eq([(x["depth"], x["reason"]) for x in report["verification"]["problems"]],
             [(1, "certificate has expired"), (0, "certificate has expired")], "every problem on the way", r)
    r = run(flags, d)
    check("403.17 Forbidden: client certificate expired or not yet valid" in r.stdout, "text verdict", r)
    check("problem at depth 0: certificate has expired" in r.stdout, "OpenSSL's text with the depth", r)

    write(d, "certgate.toml", CONFIG % ca)
    r, report = run_json(["explain", "-c", "certgate.toml", "--cert", leaf, "--at", "2016-08-01"], d)
    check_eq(r.code, 0, "exit code with the mapping", r)
    check_eq((report["decision"]["identity"], report["decision"]["mapping"]), ("cloudflare-edge", "cloudflare"),
             "the mapping on Cloudflare's real subject", r)

    r = run(flags + ["--at", "2016-02-30"], d)
    check_eq(r.code, 2, "exit code for an impossible date", r)
    check("--at" in r.stderr, "the error names --at", r)


if __name__ == "__main__":
    run_test(main)
