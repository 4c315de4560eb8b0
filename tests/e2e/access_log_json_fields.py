#!/usr/bin/env python3
"""log_format = "json": one JSON object per request with every documented field, with values that agree with
what happened (admitted, refused, no certificate)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import cert_facts
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

FIELDS = ["time", "client", "sni", "host", "method", "path", "status", "substatus", "identity", "mapping", "verify",
          "reason", "fingerprint", "upstream_status", "upstream_ms", "upstream_addr", "bytes_sent", "request_id"]


def check_fields(entry, what):
    missing = [f for f in FIELDS if f not in entry]
    check(not missing, "%s: access log entry lacks %s: %r" % (what, missing, entry))
    check(isinstance(entry["time"], str) and len(entry["time"]) >= 19, "%s: time %r" % (what, entry["time"]))
    check(str(entry["client"]).startswith("127.0.0.1"), "%s: client %r" % (what, entry["client"]))
    for f in ("status", "substatus", "bytes_sent"):
        check(isinstance(entry[f], int) and not isinstance(entry[f], bool), "%s: %s should be an integer" % (what, f))


def main():
    p = pki()
    edge = cert_facts(p.pem("edge"))
    rogue = cert_facts(p.pem("rogue"))
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/logged?x=1", cert="edge", name="a.test", method="POST", data="12345")
        check_eq(r.status, 200, "status", r)
        e = gw.wait_log(lambda e: e.get("path", "").startswith("/logged"))
        check_fields(e, "admitted")
        check(e["path"] in ("/logged?x=1", "/logged"), "path %r" % e["path"])
        check_eq(e["sni"], "a.test", "sni")
        check(str(e["host"]).startswith("a.test"), "host %r" % e["host"])
        check_eq(e["method"], "POST", "method")
        check_eq((e["status"], e["substatus"]), (200, 0), "status, substatus")
        check_eq((e["identity"], e["mapping"], e["verify"]), ("edge-user", "edge", "SUCCESS"), "identity, mapping, verify")
        check_eq(e["fingerprint"], edge["fingerprint"], "fingerprint")
        check_eq(e["upstream_status"], 200, "upstream_status")
        check(isinstance(e["upstream_ms"], (int, float)) and e["upstream_ms"] >= 0, "upstream_ms %r" % e["upstream_ms"])
        check_eq(e["upstream_addr"], "127.0.0.1:%d" % up.port, "upstream_addr")
        check(e["bytes_sent"] >= len(r.body), "bytes_sent %r < body %d" % (e["bytes_sent"], len(r.body)))

        r = request(gw, "/logged-rogue", cert="rogue")
        check_eq(r.status, 403, "status", r)
        e = gw.log_for_path("/logged-rogue")
        check_fields(e, "rogue")
        check_eq((e["status"], e["substatus"]), (403, 16), "status, substatus")
        check(str(e["verify"]).startswith("FAILED:") and len(e["verify"]) > len("FAILED:"), "verify %r" % e["verify"])
        check(isinstance(e["reason"], str) and e["reason"], "a refusal has a reason: %r" % e["reason"])
        check_eq(e["fingerprint"], rogue["fingerprint"], "fingerprint of the refused certificate")
        check(not e["identity"], "no identity for a refused request: %r" % e["identity"])
        check(e["upstream_status"] in (None, 0, ""), "no upstream status for a refused request: %r" % e["upstream_status"])
        check_eq(e["sni"], "localhost", "sni")

        r = request(gw, "/logged-none", cert=None)
        e = gw.log_for_path("/logged-none")
        check_fields(e, "no certificate")
        check_eq((e["status"], e["substatus"], e["verify"]), (403, 7, "NONE"), "status, substatus, verify")
        check(not e["fingerprint"], "no fingerprint without a certificate: %r" % e["fingerprint"])

        # Exactly one line per request (the readiness probe opened no HTTP request).
        paths = [x.get("path") for x in gw.log_entries() if x.get("path")]
        for path in ("/logged-rogue", "/logged-none"):
            check_eq(paths.count(path), 1, "log lines for %s" % path)


if __name__ == "__main__":
    run_test(main)
