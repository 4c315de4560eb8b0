#!/usr/bin/env python3
"""crl_expired = "warn": a CRL past its nextUpdate still serves. A certificate it does not list is admitted, its
access-log line says "CRL expired" and names the file, and the gateway logs a "CRL expired" warning; a
certificate it lists is still refused 403.13; explain agrees. With the default (crl_expired = "refuse") the same CRL refuses
with 403.16 and a reason that says "CRL expired". `certgate check` warns of it either way (CG108)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.crl_files import gencrl, revoke, wait_stderr
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, findings, run_json
from harness.upstream import Upstream

VICTIM = "/O=Example/OU=edge/CN=victim.example.com"


def main():
    directory = subdir("crl-expired-warn-pki")
    p = ToolPki(directory)
    p.issue("victim", VICTIM)
    revoke(p, "victim")
    crl = gencrl(p, os.path.join(directory, "stale-crl.pem"), next_update_days=-1, last_update_days=-10)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        cfg["tls"]["crl_expired"] = "warn"
        with Gateway(cfg, name="warn") as gw:
            logged = wait_stderr(gw, "CRL expired: the CRL issued by 'CN=tools test CA,O=Example' (" + crl)
            check("admitted without current revocation data" in logged, "the warning says what it does:\n" + logged)

            resp = request(gw, "/stale-but-warned", cert="edge", pki=p)
            check_eq(resp.status, 200, "admitted despite the stale CRL", resp)
            entry = gw.log_for_path("/stale-but-warned")
            check_eq(entry.get("verify"), "SUCCESS", "verify logged", resp)
            reason = entry.get("reason", "")
            check(reason.startswith("CRL expired: ") and crl in reason and 'crl_expired = "warn"' in reason,
                  "the access log says the CRL was expired: %r" % reason, resp)

            resp = request(gw, "/stale-lists-victim", cert="victim", pki=p)
            check_rejected(gw, up, resp, "/stale-lists-victim", 403, 13)

            _, explained = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("edge")], gw.dir)
            check_eq(explained["decision"]["admitted"], True, "explain admits as serve does")
            check(explained["verification"]["warning"].startswith("CRL expired: "),
                  "explain says the CRL was expired: %r" % explained["verification"])

            _, report = run_json(["check", "-c", gw.config_path], gw.dir)
            cg108 = findings(report, "CG108")
            check_eq(len(cg108), 1, "check warns of the stale CRL: %r" % report["findings"])
            check("admitted without current revocation data" in cg108[0]["message"], "CG108 says it admits: %r" % cg108)

        cfg["tls"]["crl_expired"] = "refuse"
        with Gateway(cfg, name="refuse") as gw:
            resp = request(gw, "/stale-refused", cert="edge", pki=p)
            entry = check_rejected(gw, up, resp, "/stale-refused", 403, 16)
            check("CRL expired" in resp.text, "the reason says CRL expired", resp)
            check("CRL expired" in entry.get("reason", ""), "the log says CRL expired: %r" % entry, resp)


if __name__ == "__main__":
    run_test(main)
