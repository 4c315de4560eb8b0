#!/usr/bin/env python3
"""`certgate explain` input errors are exit 2 with a clear message: no --cert, a missing certificate file, a
configuration error (file:line:column), a missing trust anchor file, a wrong PKCS#12 password. The serve flags it
does not need (--listen, --upstream, --key) are accepted, so a serve command line can be pasted."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.tools import run, write


def refused(d, args, *expected):
    r = run(["explain"] + args, d)
    check_eq(r.code, 2, "exit code for explain %s" % " ".join(args), r)
    for text in expected:
        check(text in r.stderr, "stderr should contain %r" % text, r)
    return r


def main():
    p = pki()
    d = subdir("errors")
    refused(d, ["--client-ca", p.pem("ca")], "--cert")
    refused(d, ["--client-ca", p.pem("ca"), "--cert", "nowhere.pem"], "nowhere.pem")
    refused(d, ["--client-ca", "no-ca.pem", "--cert", p.pem("edge")], "no-ca.pem")

    write(d, "bad.toml", '[tls]\nclient_ca = ["%s"]\nmode = "sometimes"\n' % p.pem("ca"))
    refused(d, ["-c", "bad.toml", "--cert", p.pem("edge")], "bad.toml:3:", "mode")

    pfx = os.path.join(d, "edge.pfx")
    subprocess.run(["openssl", "pkcs12", "-export", "-in", p.pem("edge"), "-inkey", p.key("edge"), "-passout",
                    "pass:right", "-out", pfx], check=True, capture_output=True, timeout=30)
    refused(d, ["--client-ca", p.pem("ca"), "--cert", pfx, "--password", "wrong"], "edge.pfx")
    r = run(["explain", "--client-ca", p.pem("ca"), "--chain-only", "--cert", pfx, "--password", "right"], d)
    check_eq(r.code, 0, "the PKCS#12 client certificate is explained (chain-only: a verified chain is enough)", r)
    check("200 admitted" in r.stdout, "verdict", r)

    # A serve command line with the verb swapped: --key, --listen and --upstream are accepted and unused.
    r = run(["explain", "--listen", "127.0.0.1:8443", "--upstream", "http://127.0.0.1:8080", "--key",
             p.key("server"), "--client-ca", p.pem("ca"), "--cert", p.pem("edge"), "--mode", "require", "--chain-only"], d)
    check_eq(r.code, 0, "exit code of a pasted serve command line", r)
    check("200 admitted" in r.stdout, "verdict of a pasted serve command line", r)


if __name__ == "__main__":
    run_test(main)
