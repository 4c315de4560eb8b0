#!/usr/bin/env python3
"""A configured CRL without a CRL number (RFC 5280 5.2.3) is a configuration error: `certgate serve` does not
start (exit code 2) and names the file and the defect; `certgate check` reports the same as an error (CG002)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import free_port
from harness.run import run_certgate
from harness.tools import findings, run_json

DEFECT = "has no CRL number (RFC 5280 5.2.3: conforming CRL issuers include one in every CRL)"


def main():
    p = pki()
    d = subdir("nonumber")
    crl = p.crl("nonumber-crl")
    config = os.path.join(d, "cfg.toml")
    with open(config, "w") as f:
        f.write('[server]\nlisten = ["127.0.0.1:%d"]\naccess_log = ""\n[upstream]\nurl = "http://127.0.0.1:1"\n'
                '[tls]\ncert = "%s"\nkey = "%s"\nclient_ca = ["%s"]\ncrl = ["%s"]\n'
                % (free_port(), p.pem("server"), p.key("server"), p.pem("ca"), crl))
    expected = "%s: the CRL issued by 'CN=certgate e2e test CA,O=Example' %s" % (crl, DEFECT)

    r = run_certgate(["serve", "-c", config], cwd=d)
    check_eq(r.code, 2, "serve's exit code", r)
    check(expected in r.stderr, "stderr names the file and the defect", r)

    r, report = run_json(["check", "-c", config], d)
    errors = [f for f in findings(report, "CG002") if expected in f["message"]]
    check(errors, "check reports the CRL as CG002", r)
    check_eq(errors[0]["severity"], "error", "the finding's severity", r)


if __name__ == "__main__":
    run_test(main)
