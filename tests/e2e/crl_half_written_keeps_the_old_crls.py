#!/usr/bin/env python3
"""A CRL file caught half written (rewritten in place, cut short) is refused whole: the running CRLs stay (the
certificate they revoke is still refused 403.13, the others still admitted), the error names the file,
certgate_crl_reloads_total{result="failure"} counts it, and once the file is whole again it is read and applies."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, value, wait_admin
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.crl_files import gencrl, revoke, rewrite_in_place, wait_stderr
from harness.gateway import Gateway, base_config, free_port
from harness.tools import ToolPki
from harness.upstream import Upstream

VICTIM = "/O=Example/OU=edge/CN=victim.example.com"


def scrape(port):
    status, _, text = admin_get(port, "/metrics")
    check_eq(status, 200, "/metrics")
    return text


def statuses(gw, p, tag):
    return (request(gw, "/edge-" + tag, cert="edge", pki=p).status,
            request(gw, "/victim-" + tag, cert="victim", pki=p).status)


def main():
    directory = subdir("crl-half-written-pki")
    p = ToolPki(directory)
    p.issue("victim", VICTIM)
    revoke(p, "victim")
    crl = gencrl(p, os.path.join(directory, "ca-crl.pem"))  # lists victim
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        cfg["limits"] = {"crl_check_interval": "200ms"}
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            check_eq(statuses(gw, p, "start"), (200, 403), "edge admitted, victim revoked at start")

            with open(crl, "rb") as f:
                whole = f.read()
            mark = len(gw.stderr_text())
            rewrite_in_place(whole[: len(whole) // 2], crl)
            logged = wait_stderr(gw, "CRL reload refused", after=mark)
            check(crl in logged, "the error names the file:\n" + logged)
            check_eq(statuses(gw, p, "half"), (200, 403), "the old CRLs still apply")
            # Not tried again while the file stays as it is (5 check intervals).
            refused = gw.stderr_text().count("CRL reload refused")
            time.sleep(1.0)
            check_eq(gw.stderr_text().count("CRL reload refused"), refused, "refusals of the unchanged half file")
            text = scrape(port)
            check_eq(value(text, "certgate_crl_reloads_total", result="failure"), refused, "failed CRL reloads")
            check_eq(value(text, "certgate_crl_reloads_total", result="success"), 0, "CRL reloads")
            check_eq(value(text, "certgate_reloads_total", result="failure"), 0, "SIGHUP reloads are apart")

            # Whole again, and now revoking edge too: read and applied.
            revoke(p, "edge")
            newer = gencrl(p, os.path.join(directory, "newer-crl.pem"))
            with open(newer, "rb") as f:
                rewrite_in_place(f.read(), crl)
            wait_stderr(gw, "CRLs reloaded: " + crl, after=mark)
            check_eq(statuses(gw, p, "whole"), (403, 403), "the whole file applies")
            text = scrape(port)
            check_eq(value(text, "certgate_crl_reloads_total", result="success"), 1, "CRL reloads")


if __name__ == "__main__":
    run_test(main)
