#!/usr/bin/env python3
"""A file that cannot be read (server certificate, client CA, configuration) stops the start: exit code 2 and
the file is named on stderr."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import free_port
from harness.run import run_certgate


def check_named(r, name):
    check_eq(r.code, 2, "exit code", r)
    check(name in r.stderr, "stderr should name %s" % name, r)


def main():
    p = pki()
    d = subdir("missing")
    port = free_port()
    common_flags = ["--listen", "127.0.0.1:%d" % port, "--upstream", "http://127.0.0.1:1", "--access-log", ""]

    r = run_certgate(["serve", "--cert", "missing.pem", "--key", p.key("server"), "--client-ca", p.pem("ca")]
                     + common_flags, cwd=d)
    check_named(r, "missing.pem")

    r = run_certgate(["serve", "--cert", p.pem("server"), "--key", "missing-key.pem", "--client-ca", p.pem("ca")]
                     + common_flags, cwd=d)
    check_named(r, "missing-key.pem")

    r = run_certgate(["serve", "--cert", p.pem("server"), "--key", p.key("server"), "--client-ca", "no-such-ca.pem"]
                     + common_flags, cwd=d)
    check_named(r, "no-such-ca.pem")

    with open(os.path.join(d, "cfg.toml"), "w") as f:
        f.write('[server]\nlisten = ["127.0.0.1:%d"]\n[upstream]\nurl = "http://127.0.0.1:1"\n[tls]\n'
                'cert = "%s"\nkey = "%s"\nclient_ca = ["%s"]\ncrl = ["gone.crl"]\n'
                % (port, p.pem("server"), p.key("server"), p.pem("ca")))
    r = run_certgate(["serve", "-c", "cfg.toml"], cwd=d)
    check_named(r, "gone.crl")

    r = run_certgate(["serve", "-c", "no-such-config.toml"], cwd=d)
    check_named(r, "no-such-config.toml")


if __name__ == "__main__":
    run_test(main)
