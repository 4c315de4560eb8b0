#!/usr/bin/env python3
"""`certgate explain` says what the server does: for every kind of client certificate (mapped, chain with an
intermediate, untrusted, expired, not yet valid, revoked, unmapped, denied), the status.substatus, identity and
mapping of `explain --json` equal the live gateway's (same configuration file), the exit code is 0 when admitted
and 1 when refused, and the identity headers explain lists are the ones the upstream received."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.tools import run_json
from harness.upstream import Upstream

DENY = {"name": "block", "permission": "deny",
        "rules": [{"field": "subject", "subfield": "CN", "match": "blocked.example.com"}]}
IDENTITY_HEADERS = ["X-Client-Verify", "X-Client-Identity", "X-Client-Mapping", "X-Client-Cert-Subject",
                    "X-Client-Cert-Issuer", "X-Client-Cert-Fingerprint", "X-Client-Cert-Serial", "Client-Cert"]
CASES = [  # certificate, expected status text
    ("edge", "200"), ("deep-chain", "200"), ("rogue", "403.16"), ("expired", "403.17"), ("notyet", "403.17"),
    ("unmapped", "401.2"), ("blocked", "403.12"), ("serverauth", "403.16"),
]
# With a CRL: the revoked certificate, and (fail closed) a chain whose intermediate has no CRL.
CRL_CASES = [("revoked", "403.13"), ("edge", "200"), ("deep-chain", "403.16")]


def compare(p, gw, cases):
    """Each certificate: a request to the gateway, then explain on its configuration file."""
    for cert, expected in cases:
        path = "/%s-%s" % (os.path.basename(gw.dir), cert)
        resp = request(gw, path, cert=cert)
        check_eq(resp.exit_code, 0, "curl exit code for %s" % cert, resp)
        entry = gw.log_for_path(path)
        r, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem(cert)], gw.dir)
        decision = report["decision"]
        check_eq(decision["status_text"], expected, "explain's verdict for %s" % cert, r)
        check_eq(r.code, 0 if expected == "200" else 1, "explain exit code for %s" % cert, r)
        server = (entry["status"], entry.get("substatus") or 0, entry.get("identity") or "",
                  entry.get("mapping") or "")
        check_eq((decision["status"], decision["substatus"], decision["identity"], decision["mapping"]),
                 server, "explain and the server agree on %s" % cert, r)
        if expected != "200":
            check_eq(report["upstream_headers"], [], "a refused request sends nothing upstream", r)
            continue
        sent = {h["name"]: h["value"] for h in report["upstream_headers"]}
        for name in IDENTITY_HEADERS:
            check_eq(resp.upstream_header(name), [sent[name]] if name in sent else [],
                     "upstream header %s for %s (explain: %r)" % (name, cert, sent.get(name)), resp)


def main():
    p = pki()
    deep = {"name": "deep", "user": "deep-user", "rules": [{"field": "subject", "subfield": "CN", "match": "deep.*"}]}
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[DENY, EDGE_MAPPING, deep])
        with Gateway(cfg) as gw:
            compare(p, gw, CASES)
        cfg["tls"]["crl"] = [p.crl()]
        with Gateway(cfg, name="with-crl") as gw:
            compare(p, gw, CRL_CASES)

            # The JSON names OpenSSL's reason and the depth of the failure.
            r, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("rogue")], gw.dir)
            check_eq(report["verification"]["reason"], "unable to get local issuer certificate", "OpenSSL's text", r)
            check_eq(report["verification"]["depth"], 0, "the depth of the failure", r)
            r, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("deep-chain")], gw.dir)
            check_eq(report["verification"]["reason"],
                     "unable to get certificate CRL: no CRL issued by 'CN=certgate e2e intermediate CA,O=Example' "
                     "is loaded", "OpenSSL's text and the CA whose CRL is missing", r)
            check_eq(report["sent_chain"], ["CN=certgate e2e intermediate CA,O=Example"], "the chain sent along", r)


if __name__ == "__main__":
    run_test(main)
