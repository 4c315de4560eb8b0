#!/usr/bin/env python3
"""`certgate cert show` on the real Cloudflare AOP leaf (PEM and DER give the same facts): subject and issuer in
RFC 4514 and as IIS subfields, RSA 3072, EKU clientAuth, validity with negative days left (expired), serial,
SHA-1/SHA-256 fingerprints and SPKI pin as the openssl CLI computes them, and the IIS blob (base64 of the DER).
--at moves "days left"; a missing file is exit 2 with the file named."""
import base64
import hashlib
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, run_test, test_data_dir, subdir
from harness.tools import run, run_json

SHA256 = "63749ef9c7baed3421868a96e4cc0ccb9fda80eb65dd51fca62841a2314fce82"  # tests/data/aop-certs/README.md
SUBJECT = "CN=origin-pull.cloudflare.net,ST=California,L=San Francisco,OU=Origin Pull,O=CloudFlare\\, Inc.,C=US"


def openssl_spki_pin(pem):
    pub = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-pubkey"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub, capture_output=True,
                         check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def main():
    aop = os.path.join(test_data_dir(), "aop-certs")
    pem = os.path.join(aop, "cloudflare-aop-leaf-2016-2017-expired.pem")
    der_path = os.path.join(aop, "cloudflare-aop-leaf-2016-2017-expired.der")
    if not os.path.exists(pem):
        fail("the Cloudflare leaf is missing: %s (CERTGATE_TEST_DATA_DIR)" % pem)
    with open(der_path, "rb") as f:
        der = f.read()
    d = subdir("show")

    reports = {}
    for name, path in (("pem", pem), ("der", der_path)):
        r, report = run_json(["cert", "show", path], d)
        check_eq(r.code, 0, "exit code of cert show %s" % name, r)
        check_eq(len(report["certificates"]), 1, "one certificate in the %s file" % name, r)
        reports[name] = report["certificates"][0]
    check_eq(reports["pem"], reports["der"], "PEM and DER describe the same certificate")

    c = reports["pem"]
    check_eq(c["subject"], SUBJECT, "subject (RFC 4514)")
    check_eq(c["issuer"], SUBJECT, "issuer (the leaf's issuer DN equals its subject)")
    check_eq([(f["subfield"], f["value"]) for f in c["subject_fields"]],
             [("C", "US"), ("O", "CloudFlare, Inc."), ("OU", "Origin Pull"), ("L", "San Francisco"),
              ("S", "California"), ("CN", "origin-pull.cloudflare.net")], "subject as IIS subfields")
    check_eq(c["key"], {"type": "RSA", "bits": 3072}, "key")
    check_eq(c["eku"], ["clientAuth"], "EKU")
    check_eq(c["ca"], False, "not a CA")
    check_eq(c["self_signed"], False, "not self-signed (issued by the CA's key)")
    check_eq((c["not_before"], c["not_after"]), ("2016-01-08T00:44:00Z", "2017-01-07T00:44:00Z"), "validity")
    check(c["days_left"] < -2500, "expired long ago: days_left %r should be negative" % c["days_left"])
    check_eq(c["serial"], "33DC7A16B953F7E6", "serial")
    check_eq(c["sha256"], SHA256, "SHA-256 fingerprint")
    check_eq(c["sha1"], hashlib.sha1(der).hexdigest(), "SHA-1 fingerprint")
    check_eq(c["spki_sha256"], openssl_spki_pin(pem), "SPKI SHA-256 pin")
    check_eq(c["iis_blob"], base64.b64encode(der).decode(), "IIS blob = base64 of the DER on one line")

    # --at inside its validity: days left counted from then.
    r, report = run_json(["cert", "show", pem, "--at", "2016-08-01"], d)
    check_eq(report["certificates"][0]["days_left"], 159, "days left on 2016-08-01", r)
    check_eq(report["evaluated_at"], "2016-08-01T00:00:00Z", "evaluated_at", r)

    # The text form carries the same facts, and the IIS subfield lines.
    r = run(["cert", "show", pem], d)
    check_eq(r.code, 0, "exit code of the text form", r)
    for expected in ("Subject:      " + SUBJECT, "      S=California", "      CN=origin-pull.cloudflare.net",
                     "RSA 3072 bits", "clientAuth (TLS Web Client Authentication)", "days ago)", SHA256,
                     "33DC7A16B953F7E6", base64.b64encode(der).decode()):
        check(expected in r.stdout, "text output should contain %r" % expected, r)

    r = run(["cert", "show", os.path.join(d, "missing.pem")], d)
    check_eq(r.code, 2, "exit code for a missing file", r)
    check("missing.pem" in r.stderr, "the error names the file", r)
    r = run(["cert", "show", pem, "--at", "last tuesday"], d)
    check_eq(r.code, 2, "exit code for a bad --at", r)
    check("--at" in r.stderr, "the error names --at", r)


if __name__ == "__main__":
    run_test(main)
