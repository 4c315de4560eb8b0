#!/usr/bin/env python3
"""An https:// upstream is reached over TLS with its own verification: with the right CA and name the request is
proxied (and the upstream sees the identity headers); with a CA that did not issue the upstream's certificate, or
with a name the certificate does not cover, the gateway refuses to talk to it and answers 502."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import curl
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, header_values


def request(gw, p, path):
    return curl(gw.url(path), cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"))


def main():
    p = pki()
    with Upstream(tls_cert=p.pem("server"), tls_key=p.key("server")) as up:
        check(up.url.startswith("https://"), "the test upstream must speak TLS")

        good = base_config(p, up.url)
        good["upstream"].update({"ca": p.pem("ca"), "server_name": "localhost"})
        with Gateway(good, name="good") as gw:
            r = request(gw, p, "/over-tls")
            check_eq(r.status, 200, "proxied to the https upstream", r)
            seen = up.wait_for("/over-tls")
            check(seen is not None, "the upstream must receive the request", r)
            check_eq(header_values(seen["headers"], "X-Client-Identity"), ["edge-user"], "identity over TLS", r)

        wrong_ca = base_config(p, up.url)
        wrong_ca["upstream"].update({"ca": p.pem("ca2"), "server_name": "localhost"})
        with Gateway(wrong_ca, name="wrong-ca") as gw:
            r = request(gw, p, "/wrong-ca")
            check_eq(r.status, 502, "an upstream certificate from another CA is refused", r)
            entry = gw.log_for_path("/wrong-ca")
            check("TLS handshake" in entry.get("reason", ""), "the access log says why", entry)
            check(not up.requests_for("/wrong-ca"), "nothing may reach an unverified upstream", r)

        wrong_name = base_config(p, up.url)
        wrong_name["upstream"].update({"ca": p.pem("ca"), "server_name": "not-this-host.example"})
        with Gateway(wrong_name, name="wrong-name") as gw:
            r = request(gw, p, "/wrong-name")
            check_eq(r.status, 502, "an upstream certificate for another name is refused", r)


if __name__ == "__main__":
    run_test(main)
