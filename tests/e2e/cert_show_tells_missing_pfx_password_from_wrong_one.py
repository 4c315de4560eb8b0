#!/usr/bin/env python3
"""A password-protected .pfx (PKCS#12, as IIS exports a certificate) read without --password: cert show and
explain say that no password was given and to pass it with --password; with a wrong password they say it is
wrong (its MAC does not verify), which is another message; with the right one the certificate is shown."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, openssl, one_line_with, run, write

MAPPING = "[mapping]\nchain_only = true\n"


def main():
    d = subdir("pfx-password")
    p = ToolPki(os.path.join(d, "pki"))
    pfx = os.path.join(d, "edge.pfx")
    openssl("pkcs12", "-export", "-in", p.pem("edge"), "-inkey", p.key("edge"), "-certfile", p.pem("ca"),
            "-passout", "pass:s3cret", "-out", pfx)
    write(d, "policy.toml", '[tls]\nclient_ca = ["%s"]\n\n%s' % (p.pem("ca"), MAPPING))

    for command in (["cert", "show", pfx], ["explain", "-c", "policy.toml", "--cert", pfx]):
        r = run(command, d)
        check_eq(r.code, 2, "exit code without a password", r)
        check(one_line_with(r.stderr, pfx, "protected by a password, and no password was given",
                            "pass the password with --password"), "says none was given and how to give it", r)
        check("is wrong" not in r.stderr, "not called wrong", r)

        r = run(command + ["--password", "guess"], d)
        check_eq(r.code, 2, "exit code with a wrong password", r)
        check(one_line_with(r.stderr, pfx, "the password given", "is wrong"), "says the password is wrong", r)
        check("no password was given" not in r.stderr, "not called missing", r)

    r = run(["cert", "show", pfx, "--password", "s3cret"], d)
    check_eq(r.code, 0, "exit code with the password", r)
    check("CN=edge.example.com" in r.stdout, "shows the certificate", r)


if __name__ == "__main__":
    run_test(main)
