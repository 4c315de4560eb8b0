#!/usr/bin/env python3
"""`pki status` lists the CA and every edge certificate with id, serial, SHA-256 fingerprint, validity, days left,
state and hostname, and warns at Cloudflare's alert marks: an edge certificate of 20 days passed the 30-day mark,
one of 10 days both marks, a 365-day one none (exit 1 with warnings). With --at past the 10-day certificate's
end it is expired; a retired certificate is listed as retired without warnings."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.pki_cli import init, issue, pki_cmd


def main():
    d = subdir("pki-status")
    aop = os.path.join(d, "aop")
    init(aop, d)
    long_lived = issue(aop, d, "www.example.com")["certificate"]
    twenty = issue(aop, d, "api.example.com", "--days", "20")["certificate"]
    ten = issue(aop, d, "shop.example.com", "--days", "10")["certificate"]

    r, status = pki_cmd(["status", "--dir", aop], d, json_output=True)
    check_eq(r.code, 1, "exit code with warnings", r)
    by_id = {e["id"]: e for e in status["entries"]}
    check_eq([e["kind"] for e in status["entries"]], ["ca", "edge", "edge", "edge"], "CA first, then edges", r)
    check_eq((by_id[long_lived]["warnings"], by_id[twenty]["warnings"], by_id[ten]["warnings"]), ([], [30], [30, 14]),
             "warning marks", r)
    check(by_id[twenty]["days_left"] in (19, 20) and by_id[ten]["days_left"] in (9, 10), "days left", r)
    check_eq(by_id[ten]["hostnames"], ["shop.example.com"], "hostname served", r)
    ca_id = status["entries"][0]["id"]
    check_eq(by_id[ten]["issuer_id"], ca_id, "issuer named", r)
    for e in status["entries"]:
        check(len(e["sha256"]) == 64 and e["serial"] and e["state"] == "active", "fields of %s" % e["id"], r)

    r = pki_cmd(["status", "--dir", aop], d)
    check("warning: expires within 14 days" in r.stdout and "warning: expires within 30 days" in r.stdout,
          "text warnings", r)
    check("shop.example.com" in r.stdout and ("(9 days left)" in r.stdout or "(10 days left)" in r.stdout), "text lists days left", r)

    check_eq(pki_cmd(["retire", "--dir", aop, "--cert", twenty], d).code, 0, "retire")
    at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=11)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r, status = pki_cmd(["status", "--dir", aop, "--at", at], d, json_output=True)
    by_id = {e["id"]: e for e in status["entries"]}
    check_eq((by_id[ten]["state"], by_id[twenty]["state"], by_id[twenty]["warnings"]), ("expired", "retired", []),
             "states at +11 days", r)


if __name__ == "__main__":
    run_test(main)
