#!/usr/bin/env python3
"""certgate probe against certgate itself with mode = "require": the edge certificate is admitted (200), no
certificate gets 403.7 and the self-signed impostor 403.16, over HTTP/1.1 and again over HTTP/2 (certgate selects
h2), so the verdict is ENFORCED (exit 0). Only the edge requests (one per protocol) reach the upstream. With reject = "handshake" the refusals become TLS alerts (a visitor would see
525), still ENFORCED; the text report shows the table and the verdict. The edge certificate may come as PKCS#12
(no --key), or with its intermediate after it (sent in the handshake: the gateway trusts only the root)."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.origins import check_scenario, probe
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url)) as gw:
            url = "https://127.0.0.1:%d/probe-http" % gw.port
            r = probe([url, "--ca", p.pem("ca")])
            check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
            check_eq(r.report["verdict"], "ENFORCED", "verdict", r.run)
            check_eq(r.report["reasons"], [], "reasons", r.run)
            check_scenario(r, "no_certificate", "refused", "HTTP 403.7", "HTTP 403 passed through")
            edge = check_scenario(r, "edge_certificate", "admitted", "HTTP 200")
            check_eq(edge["tls"]["version"], "TLSv1.3", "negotiated TLS version", r.run)
            check_scenario(r, "impostor", "refused", "HTTP 403.16", "HTTP 403 passed through")
            check_eq(r.report["alpn"]["selected"], "h2", "the ALPN certgate selects", r.run)
            for sid, outcome, detail in (("no_certificate", "refused", "HTTP 403.7"),
                                         ("edge_certificate", "admitted", "HTTP 200"),
                                         ("impostor", "refused", "HTTP 403.16")):
                s = check_scenario(r, sid, outcome, detail, pass_="h2")
                check_eq(s["tls"]["alpn"], "h2", "ALPN of %s over HTTP/2" % sid, r.run)
            check_eq([s["number"] for s in r.report["scenarios"]], [1, 2, 3, 4, 5, 6], "scenarios run without --sni",
                     r.run)
            check_eq(r.report["sni"], None, "no SNI for an IP address", r.run)
            origin = r.report["origin_certificate"]
            check(origin["checked"] and origin["verified"], "the origin's certificate verifies against --ca", r.run)
            # The gateway forwarded the edge's requests only: one over HTTP/1.1, one over HTTP/2.
            check_eq(len(up.requests_for("/probe-http")), 2, "requests that reached the upstream", r.run)
            for seen in up.requests_for("/probe-http"):
                check_eq(seen["headers"].count(("X-Client-Identity", "edge-user")), 1,
                         "identity of the admitted request", r.run)

            # The text report: the table, the verdict, and no note about an unverified origin.
            t = probe([url, "--ca", p.pem("ca")], json_output=False)
            check_eq(t.code, 0, "exit code of the text report", t)
            check("verdict: ENFORCED" in t.stdout, "text verdict", t)
            for row in ("1  no client certificate", "2  the edge certificate", "3  impostor (self-signed, same subject)"):
                check(row in t.stdout, "table row %r" % row, t)
            check("403.7" in t.stdout and "403.16" in t.stdout, "substatuses in the table", t)
            check("a Cloudflare visitor would see" in t.stdout, "Cloudflare column", t)
            check("not verified" not in t.stdout, "the origin was verified", t)

        cfg = base_config(p, up.url)
        cfg["server"]["reject"] = "handshake"
        with Gateway(cfg, name="handshake") as gw:
            r = probe(["https://localhost:%d/probe-alert" % gw.port, "--connect", "127.0.0.1", "--ca", p.pem("ca")])
            check_eq(r.code, 0, "exit code (ENFORCED, handshake refusals)", r.run)
            check_eq(r.report["sni"], "localhost", "SNI from the URL's host name", r.run)
            for sid in ("no_certificate", "impostor"):
                s = check_scenario(r, sid, "refused", cloudflare="525 SSL handshake failed")
                check(s["detail"].startswith("TLS alert "), "%s refused by a TLS alert: %s" % (sid, s["detail"]), r.run)
                check_eq(s["http_status"], None, "no HTTP status for %s" % sid, r.run)
            check_scenario(r, "edge_certificate", "admitted", "HTTP 200")

        # The edge certificate as PKCS#12, and a leaf that needs its intermediate.
        deep = {"name": "deep", "user": "deep-user", "rules": [{"field": "subject", "subfield": "CN",
                                                                  "match": "deep.example.com"}]}
        with Gateway(base_config(p, up.url, mappings=[EDGE_MAPPING, deep]), name="forms") as gw:
            url = "https://127.0.0.1:%d/forms" % gw.port
            p12 = os.path.join(gw.dir, "edge.p12")
            subprocess.run(["openssl", "pkcs12", "-export", "-in", p.pem("edge"), "-inkey", p.key("edge"), "-out", p12,
                            "-passout", "pass:s3cret"], check=True, capture_output=True)
            r = probe([url, "--cert", p12, "--password", "s3cret"], cert=None)
            check_eq((r.code, r.report["verdict"]), (0, "ENFORCED"), "PKCS#12 edge certificate", r.run)
            r = probe([url], cert="deep-chain")
            check_eq((r.code, r.report["verdict"]), (0, "ENFORCED"), "leaf + intermediate", r.run)
            check_eq(r.report["edge_certificate"]["subject"].split(",")[0], "CN=deep.example.com", "leaf first", r.run)


if __name__ == "__main__":
    run_test(main)
