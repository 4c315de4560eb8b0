#!/usr/bin/env python3
"""Chain-only mode takes the identity from the certificate's CN. A CA-signed certificate whose CN is
"edge\\r\\nX-Injected: 1" is refused with 403.16 (the reason names the control character, not the raw bytes),
never reaches the upstream, and no X-Injected header appears anywhere; the same certificate matched by a mapping
is admitted under the configured user, with the subject escaped in X-Client-Cert-Subject. explain says the same."""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import run
from harness.upstream import Upstream

CR_REASON = "certificate subject CN contains the control character 0x0D (CR) at byte 5"


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["mapping"] = {"chain_only": True}
        with Gateway(cfg, name="chain-only") as gw:
            r = request(gw, "/injected", cert="injected")
            entry = check_rejected(gw, up, r, "/injected", 403, 16)
            check(entry.get("reason", "").startswith(CR_REASON), "access log reason: %r" % entry.get("reason"), r)
            check_eq(entry.get("identity") or "", "", "no identity in the access log", r)
            check(CR_REASON in r.text, "the loopback client sees the reason", r)
            check("X-Injected" not in r.text, "the body does not carry the CN", r)
            for line in gw.access_log_lines():
                json.loads(line)  # every access log line is still one JSON object
            check_admitted(gw, up, request(gw, "/edge", cert="edge"), "/edge", "edge.example.com", "(chain)")

        cfg = base_config(p, up.url, mappings=[{"name": "edges", "user": "edge-user",
                                               "rules": [{"field": "subject", "subfield": "CN", "match": "edge*"}]}])
        with Gateway(cfg, name="mapped") as gw:
            r = request(gw, "/mapped", cert="injected")
            check_admitted(gw, up, r, "/mapped", "edge-user", "edges")
            check_eq(r.upstream_header("X-Injected"), [], "no injected header at the upstream", r)
            check_eq(r.upstream_header("X-Client-Cert-Subject"), ["CN=edge\\0D\\0AX-Injected: 1,O=Example"],
                     "the subject, escaped as RFC 4514 allows", r)

        e = run(["explain", "--client-ca", p.pem("ca"), "--chain-only", "--cert", p.pem("injected"), "--json"],
                subdir("explain"))
        check_eq(e.code, 1, "explain: refused", e)
        report = json.loads(e.stdout)
        check_eq(report["decision"]["status_text"], "403.16", "explain's decision", e)
        check(report["decision"]["reason"].startswith(CR_REASON), "explain's reason", e)
        chain = [s for s in report["trace"] if s["kind"] == "mapping" and s["label"] == "(chain)"]
        check_eq([s["actual"] for s in chain], ["edge\\x0D\\x0AX-Injected: 1"], "the CN in the trace, escaped", e)
        check_eq(report["upstream_headers"], [], "explain: nothing goes upstream", e)


if __name__ == "__main__":
    run_test(main)
