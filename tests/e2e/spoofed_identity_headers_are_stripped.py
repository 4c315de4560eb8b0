#!/usr/bin/env python3
"""Inbound copies of every identity header (any case, repeated) are removed before the gateway adds its own;
also for an anonymous request, and for header names renamed in [headers]."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import cert_facts, check_admitted
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

IDENTITY_HEADERS = ["X-Client-Verify", "X-Client-Identity", "X-Client-Mapping", "X-Client-Cert-Subject",
                    "X-Client-Cert-Issuer", "X-Client-Cert-Fingerprint", "X-Client-Cert-Serial", "Client-Cert"]
SPOOF = "spoofed-by-client"


def spoofed_headers(names):
    out = []
    for name in names:
        out.append("%s: %s" % (name, SPOOF))
        out.append("%s: %s-2" % (name.lower(), SPOOF))  # a second copy, lower case
        out.append("%s: %s-3" % (name.upper(), SPOOF))  # a third, upper case
    return out


def check_no_spoof(r, names):
    for name in names:
        values = r.upstream_header(name)
        check(not any(SPOOF in v for v in values), "spoofed %s reached the upstream: %r" % (name, values), r)


def main():
    p = pki()
    facts = cert_facts(p.pem("edge"))
    with Upstream() as up:
        # 1. A mapped certificate: exactly one copy of each header, the gateway's.
        with Gateway(base_config(p, up.url), name="require") as gw:
            r = request(gw, "/spoof-mapped", cert="edge", headers=spoofed_headers(IDENTITY_HEADERS))
            check_admitted(gw, up, r, "/spoof-mapped", "edge-user", "edge")
            check_no_spoof(r, IDENTITY_HEADERS)
            expected = {"X-Client-Cert-Subject": facts["subject"], "X-Client-Cert-Issuer": facts["issuer"],
                        "X-Client-Cert-Fingerprint": facts["fingerprint"], "X-Client-Cert-Serial": facts["serial"],
                        "Client-Cert": facts["client_cert"]}
            for name, value in expected.items():
                check_eq(r.upstream_header(name), [value], name + " at the upstream", r)

        # 2. Anonymous (accept mode, no certificate): verify NONE and no spoofed identity.
        cfg = base_config(p, up.url)
        cfg["tls"]["mode"] = "accept"
        cfg["mapping"]["anonymous"] = True
        with Gateway(cfg, name="anonymous") as gw:
            r = request(gw, "/spoof-anonymous", cert=None, headers=spoofed_headers(IDENTITY_HEADERS))
            check_eq(r.status, 200, "anonymous request status", r)
            check_eq(r.upstream_header("X-Client-Verify"), ["NONE"], "X-Client-Verify of an anonymous request", r)
            check_no_spoof(r, IDENTITY_HEADERS)
            for name in IDENTITY_HEADERS[1:]:
                check(all(v == "" for v in r.upstream_header(name)),
                      "%s of an anonymous request should be absent or empty" % name, r)

        # 3. Renamed headers: the configured names are the ones stripped.
        cfg = base_config(p, up.url)
        cfg["headers"] = {"identity": "X-Remote-User", "verify": "X-Remote-Verify"}
        with Gateway(cfg, name="renamed") as gw:
            r = request(gw, "/spoof-renamed", cert="edge",
                        headers=spoofed_headers(["X-Remote-User", "X-Remote-Verify"]))
            check_eq(r.status, 200, "status", r)
            check_eq(r.upstream_header("X-Remote-User"), ["edge-user"], "renamed identity header", r)
            check_eq(r.upstream_header("X-Remote-Verify"), ["SUCCESS"], "renamed verify header", r)


if __name__ == "__main__":
    run_test(main)
