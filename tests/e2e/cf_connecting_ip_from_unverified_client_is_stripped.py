#!/usr/bin/env python3
"""From anyone but the verified edge, CF-Connecting-IP and X-Real-IP are stripped and the TCP peer's address is
written: a client without a certificate in accept mode (anonymous admitted), and a client whose certificate is
not asked for (mode = "ignore")."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

FORGED = ["CF-Connecting-IP: 203.0.113.7", "cf_connecting_ip: 203.0.113.8", "X-Real-IP: 192.0.2.66"]


def stripped(gw, path, cert):
    r = request(gw, path, cert=cert, headers=FORGED)
    check_eq(r.status, 200, "status", r)
    check_eq(r.upstream_header("CF-Connecting-IP"), [], "CF-Connecting-IP stripped", r)
    check_eq(r.upstream_header("cf_connecting_ip"), [], "its underscore spelling stripped", r)
    check_eq(r.upstream_header("X-Real-IP"), ["127.0.0.1"], "X-Real-IP is the peer's address", r)
    check_eq(r.upstream_header("X-Forwarded-For"), ["127.0.0.1"], "X-Forwarded-For is the peer's address", r)


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["mode"] = "accept"
        cfg["mapping"]["anonymous"] = True
        with Gateway(cfg, name="accept") as gw:
            stripped(gw, "/anonymous", None)
        cfg["tls"]["mode"] = "ignore"
        with Gateway(cfg, name="ignore") as gw:
            stripped(gw, "/ignored-cert", "edge")


if __name__ == "__main__":
    run_test(main)
