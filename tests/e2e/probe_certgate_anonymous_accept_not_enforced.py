#!/usr/bin/env python3
"""certgate probe against certgate with mode = "accept" and anonymous = true: a request without a client
certificate is admitted, over HTTP/1.1 and over HTTP/2 (certgate selects h2), so the verdict is NOT ENFORCED
(exit 1) with that reason for each protocol and no other; the impostor is still
refused (403.16: a certificate that is presented must verify, in every mode). Without --ca the report notes that
the origin's certificate was not verified."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.origins import check_scenario, probe
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["mode"] = "accept"
        cfg["mapping"]["anonymous"] = True
        with Gateway(cfg) as gw:
            url = "https://localhost:%d/anonymous" % gw.port
            r = probe([url, "--connect", "127.0.0.1:%d" % gw.port])
            check_eq(r.code, 1, "exit code (NOT ENFORCED)", r.run)
            check_eq(r.report["verdict"], "NOT ENFORCED", "verdict", r.run)
            check_eq(r.report["enforced"], False, "enforced", r.run)
            check_scenario(r, "no_certificate", "admitted", "HTTP 200", "the origin's response (HTTP 200)")
            check_scenario(r, "edge_certificate", "admitted", "HTTP 200")
            check_scenario(r, "impostor", "refused", "HTTP 403.16", "HTTP 403 passed through")
            check_scenario(r, "no_certificate", "admitted", "HTTP 200", pass_="h2")
            check_scenario(r, "impostor", "refused", "HTTP 403.16", pass_="h2")
            check_eq(len(r.report["reasons"]), 2, "one reason per protocol", r.run)
            check(r.report["reasons"][0].startswith("(1) no client certificate is admitted (HTTP 200)"),
                  "the reason names scenario 1", r.run)
            check(r.report["reasons"][1].startswith("(4) no client certificate over HTTP/2 is admitted (HTTP 200)"),
                  "the second reason names scenario 4, over HTTP/2", r.run)
            check_eq(r.report["origin_certificate"]["checked"], False, "origin certificate not checked", r.run)
            check_eq(r.report["origin_certificate"]["verified"], None, "verified is null without --ca", r.run)
            check(any("not verified (no --ca)" in n for n in r.report["notes"]), "note about the missing --ca", r.run)
            # The anonymous request did reach the upstream, without an identity: that is the hole.
            anonymous = [q for q in up.requests_for("/anonymous") if ("X-Client-Verify", "NONE") in q["headers"]]
            check_eq(len(anonymous), 2, "anonymous requests forwarded upstream (one per protocol)", r.run)

            t = probe([url, "--connect", "127.0.0.1:%d" % gw.port], json_output=False)
            check_eq(t.code, 1, "exit code of the text report", t)
            check("verdict: NOT ENFORCED\n  - (1) no client certificate is admitted" in t.stdout, "text verdict", t)
            check("note: the origin's certificate was not verified" in t.stdout, "text note", t)


if __name__ == "__main__":
    run_test(main)
