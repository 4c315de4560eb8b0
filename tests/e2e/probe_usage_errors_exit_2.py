#!/usr/bin/env python3
"""certgate probe refuses bad input with exit status 2 and a message naming the problem, before connecting
anywhere: a URL that is not https://, a key that does not match the certificate, a missing certificate file,
a malformed --timeout, --connect or --sni, a path that cannot be sent, an unreadable --ca. --help shows examples."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, test_data_dir, workdir
from harness.run import run_certgate


def main():
    p = pki()
    edge = ["--cert", p.pem("edge"), "--key", p.key("edge")]
    cases = [
        (["http://127.0.0.1:1/"] + edge, "use https://"),
        (["ftp://127.0.0.1/"] + edge, "is not an https:// URL"),
        (["https://127.0.0.1:99999/"] + edge, "out of range"),
        (["https://127.0.0.1:1/", "--cert", p.pem("edge"), "--key", p.key("rogue")], "does not match the certificate"),
        (["https://127.0.0.1:1/", "--cert", os.path.join(workdir(), "missing.pem"), "--key", p.key("edge")],
         "missing.pem"),
        (["https://127.0.0.1:1/", "--timeout", "soon"] + edge, "--timeout: 'soon' is not a duration"),
        (["https://127.0.0.1:1/", "--connect", "[::1"] + edge, "--connect"),
        (["https://127.0.0.1:1/", "--sni", "shop.example:443"] + edge,
         "--sni: 'shop.example:443': a port is not allowed"),
        (["https://127.0.0.1:1/", "--sni", "shop example"] + edge, "--sni: 'shop example'"),
        (["https://127.0.0.1:1/a b"] + edge, "request target '/a b'"),
        (["https://127.0.0.1:1/", "--ca", os.path.join(workdir(), "no-ca.pem")] + edge, "no-ca.pem"),
        (["https://127.0.0.1:1/"], "--cert is required"),
        # The real Cloudflare origin-pull certificate loads; its key is not ours.
        (["https://127.0.0.1:1/", "--cert",
          os.path.join(test_data_dir(), "aop-certs", "cloudflare-aop-leaf-2016-2017-expired.pem"), "--key", p.key("edge")],
         "does not match the certificate"),
        (["https://127.0.0.1:1/", "--cert",
          os.path.join(test_data_dir(), "aop-certs", "cloudflare-aop-leaf-2016-2017-expired.pem")], "--key is required"),
    ]
    for args, text in cases:
        r = run_certgate(["probe"] + args, cwd=workdir())
        check_eq(r.code, 2, "exit code for %s" % args, r)
        check(text in r.stderr, "message should contain %r" % text, r)
        check("verdict" not in r.stdout, "no verdict for bad input", r)

    r = run_certgate(["probe", "ftp://x/", "--json"] + edge, cwd=workdir())
    check_eq(r.code, 2, "exit code with --json", r)
    check('"error"' in r.stdout, "--json reports the error as JSON", r)

    r = run_certgate(["probe", "--help"], cwd=workdir())
    check_eq(r.code, 0, "--help exit code", r)
    check("Examples:" in r.stdout and "--connect" in r.stdout and "ENFORCED" in r.stdout, "help text", r)


if __name__ == "__main__":
    run_test(main)
