#!/usr/bin/env python3
"""An admitted request reaches the upstream unchanged (method, path, query, body) with the identity headers:
verify, identity, mapping, subject/issuer (RFC 4514), fingerprint, serial, Client-Cert (RFC 9440),
X-Forwarded-For appended, X-Forwarded-Proto https. The values are computed independently with openssl."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import cert_facts, check_admitted
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    facts = cert_facts(p.pem("edge"))
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        path = "/mapped/resource?q=1&x=two"
        r = request(gw, path, cert="edge", method="PUT", data="abcdef",
                    headers=["X-Forwarded-For: 203.0.113.9", "X-Custom: kept"])
        check_admitted(gw, up, r, path, "edge-user", "edge")
        echo = r.json()
        check_eq(echo["method"], "PUT", "method at the upstream", r)
        check_eq(echo["body_length"], 6, "body length at the upstream", r)
        hdr = r.upstream_header
        check_eq(hdr("X-Custom"), ["kept"], "an ordinary header passes through", r)
        check_eq(hdr("X-Client-Cert-Subject"), [facts["subject"]], "subject (RFC 4514)", r)
        check_eq(hdr("X-Client-Cert-Issuer"), [facts["issuer"]], "issuer (RFC 4514)", r)
        check_eq(hdr("X-Client-Cert-Fingerprint"), [facts["fingerprint"]], "fingerprint (sha256 of DER, lowercase)", r)
        check_eq(hdr("X-Client-Cert-Serial"), [facts["serial"]], "serial (uppercase hex)", r)
        check_eq(hdr("Client-Cert"), [facts["client_cert"]], "Client-Cert (RFC 9440 :base64-DER:)", r)
        check_eq(hdr("X-Forwarded-Proto"), ["https"], "X-Forwarded-Proto", r)
        xff = ", ".join(hdr("X-Forwarded-For"))
        check_eq([s.strip() for s in xff.split(",")], ["203.0.113.9", "127.0.0.1"], "X-Forwarded-For appended", r)

        entry = gw.log_for_path(path)
        check_eq(entry.get("fingerprint"), facts["fingerprint"], "access log fingerprint", r)
        check_eq(entry.get("upstream_status"), 200, "access log upstream_status", r)
        check_eq(entry.get("method"), "PUT", "access log method", r)

        # A second request without X-Forwarded-For gets just the client address.
        r = request(gw, "/second", cert="edge")
        check_admitted(gw, up, r, "/second", "edge-user", "edge")
        check_eq(r.upstream_header("X-Forwarded-For"), ["127.0.0.1"], "X-Forwarded-For without an inbound one", r)
        check(r.upstream_header("X-Client-Cert-Fingerprint") == [facts["fingerprint"]], "fingerprint again", r)


if __name__ == "__main__":
    run_test(main)
