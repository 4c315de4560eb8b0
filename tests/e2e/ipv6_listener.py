#!/usr/bin/env python3
"""listen = ["[::1]:PORT"]: reachable over IPv6 loopback (curl -g https://[::1]:PORT/), client address ::1."""
import os
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import curl
from harness.common import check, check_eq, pki, run_test, skip
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def main():
    if not have_ipv6_loopback():
        skip("no IPv6 loopback on this machine")
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url), host="::1") as gw:
        url = "https://[::1]:%d/v6" % gw.port
        r = curl(url, cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"), extra=["-g"])
        check_eq(r.status, 200, "status over IPv6", r)
        check_eq(r.upstream_header("X-Client-Identity"), ["edge-user"], "identity", r)
        check_eq(r.upstream_header("X-Forwarded-For"), ["::1"], "X-Forwarded-For of an IPv6 client", r)
        entry = gw.log_for_path("/v6")
        check("::1" in str(entry.get("client")), "access log client should be ::1: %r" % entry.get("client"), r)

        r = curl("https://[::1]:%d/v6-none" % gw.port, cacert=p.pem("ca"), extra=["-g"])
        check_eq(r.status, 403, "no certificate over IPv6", r)
        # Only ::1 was asked for: IPv4 loopback is not served on that port.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            check(s.connect_ex(("127.0.0.1", gw.port)) != 0, "127.0.0.1:%d should not be listening" % gw.port)


if __name__ == "__main__":
    run_test(main)
