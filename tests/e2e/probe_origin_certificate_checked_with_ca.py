#!/usr/bin/env python3
"""certgate probe --ca checks the origin's certificate as Cloudflare's Full (strict) mode would, without stopping
the probe: a certificate from another CA, or one that does not cover the name, is reported (Cloudflare: 526) and
makes the exit status 1 even when the verdict is ENFORCED. --ca may be PEM or DER."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.origins import probe
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        url = "https://localhost:%d/strict" % gw.port
        good = probe([url, "--connect", "127.0.0.1", "--ca", p.pem("ca")])
        check_eq((good.code, good.report["origin_certificate"]["verified"]), (0, True), "trusted origin", good.run)
        der = os.path.join(gw.dir, "ca.der")
        subprocess.run(["openssl", "x509", "-in", p.pem("ca"), "-outform", "DER", "-out", der], check=True)
        good = probe([url, "--connect", "127.0.0.1", "--ca", der])
        check_eq((good.code, good.report["origin_certificate"]["verified"]), (0, True), "--ca in DER", good.run)

        wrong_ca = probe([url, "--connect", "127.0.0.1", "--ca", p.pem("ca2")])
        check_eq(wrong_ca.report["verdict"], "ENFORCED", "the verdict is about client certificates", wrong_ca.run)
        check_eq(wrong_ca.code, 1, "exit code when the origin's certificate does not verify", wrong_ca.run)
        origin = wrong_ca.report["origin_certificate"]
        check_eq((origin["checked"], origin["verified"]), (True, False), "origin certificate result", wrong_ca.run)
        check("issuer" in origin["error"], "OpenSSL's reason: %s" % origin["error"], wrong_ca.run)
        check(any("526 Invalid SSL certificate" in n for n in wrong_ca.report["notes"]), "the 526 note", wrong_ca.run)

        # The server certificate covers localhost, a.test, b.test: not other.test.
        wrong_name = probe([url, "--connect", "127.0.0.1", "--ca", p.pem("ca"), "--sni", "other.test"])
        check_eq(wrong_name.code, 1, "exit code for a name the certificate does not cover", wrong_name.run)
        check("hostname mismatch" in wrong_name.report["origin_certificate"]["error"],
              "reason: %s" % wrong_name.report["origin_certificate"]["error"], wrong_name.run)


if __name__ == "__main__":
    run_test(main)
