#!/usr/bin/env python3
"""The expiry gauges: certgate_certificate_expiry_seconds for the server certificate (kind="server") and each trust
anchor (kind="anchor"), certgate_crl_next_update_seconds for each CRL, in seconds from the scrape (negative once
past), labelled with the host block, subject or issuer and file; promtool accepts the scrape. A CRL replaced on
disk moves its gauge without a reload."""
import datetime
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, check_promtool, samples, value, wait_admin
from harness.common import check, check_eq, run_test, subdir
from harness.crl_files import gencrl, replace_by_rename, wait_stderr
from harness.gateway import Gateway, base_config, free_port
from harness.tools import ToolPki, openssl
from harness.upstream import Upstream

DAY = 86400


def not_after(pem):
    text = openssl("x509", "-in", pem, "-noout", "-enddate").strip()  # notAfter=Dec  2 05:00:00 2027 GMT
    t = datetime.datetime.strptime(text.split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()


def scrape(port):
    status, _, text = admin_get(port, "/metrics")
    check_eq(status, 200, "/metrics")
    return text


def close_to(actual, expected, what, slack=120):
    check(abs(actual - expected) <= slack, "%s: %r, expected about %r" % (what, actual, expected))


def main():
    directory = subdir("expiry-gauges-pki")
    p = ToolPki(directory)
    crl = gencrl(p, os.path.join(directory, "ca-crl.pem"), next_update_days=-1, last_update_days=-10)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        cfg["tls"]["crl_expired"] = "warn"
        cfg["limits"] = {"crl_check_interval": "200ms"}
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            text = scrape(port)
            now = time.time()
            server = value(text, "certgate_certificate_expiry_seconds", kind="server", host_block="default",
                           file=p.pem("server"), subject="CN=localhost,O=Example")
            close_to(server, not_after(p.pem("server")) - now, "server certificate")
            check(server > 300 * DAY, "the server certificate has about a year: %r" % server)
            anchor = value(text, "certgate_certificate_expiry_seconds", kind="anchor", host_block="default",
                           file=p.pem("ca"), subject="CN=tools test CA,O=Example")
            close_to(anchor, not_after(p.pem("ca")) - now, "trust anchor")
            stale = value(text, "certgate_crl_next_update_seconds", host_block="default", file=crl,
                          issuer="CN=tools test CA,O=Example")
            close_to(stale, -DAY, "a CRL one day past its nextUpdate")
            names = {n for n, _, _ in samples(text)}
            check("certgate_crl_reloads_total" in names, "the CRL reload counter is exported")

            check_promtool(text)

            replace_by_rename(gencrl(p, os.path.join(directory, "fresh-crl.pem"), next_update_days=7), crl)
            wait_stderr(gw, "CRLs reloaded: " + crl)
            fresh = value(scrape(port), "certgate_crl_next_update_seconds", host_block="default", file=crl)
            close_to(fresh, 7 * DAY, "the replaced CRL's nextUpdate")


if __name__ == "__main__":
    run_test(main)
