#!/usr/bin/env python3
"""A CRL whose nextUpdate is within [limits] crl_warn_before is warned of in the server log at start-up (naming
the issuer, the file, the host block and the time left, and what happens once it passes), while clients are
still admitted; one further away than crl_warn_before (default 24h) is not."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, run_test, subdir
from harness.crl_files import gencrl, wait_stderr
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki
from harness.upstream import Upstream


def main():
    directory = subdir("crl-near-pki")
    p = ToolPki(directory)
    crl = gencrl(p, os.path.join(directory, "ca-crl.pem"), next_update_days=2)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        cfg["limits"] = {"crl_warn_before": "72h"}
        with Gateway(cfg, name="within") as gw:
            logged = wait_stderr(gw, "reaches its nextUpdate at ")
            line = next(l for l in logged.splitlines() if "reaches its nextUpdate" in l)
            check("warn" in line, "logged as a warning: %r" % line)
            for part in ("the CRL issued by 'CN=tools test CA,O=Example' (" + crl + ", host block default)",
                         'refused (403.16, "CRL expired")'):
                check(part in line, "the warning says %r: %r" % (part, line))
            check(", in 2 days:" in line or ", in 1 day 23 hours" in line, "the time left: %r" % line)
            check_eq(request(gw, "/near", cert="edge", pki=p).status, 200, "still admitted")

        del cfg["limits"]
        with Gateway(cfg, name="default-window") as gw:
            check_eq(request(gw, "/far", cert="edge", pki=p).status, 200, "admitted")
            time.sleep(0.5)  # the watcher's first round runs at start-up
            check("nextUpdate" not in gw.stderr_text(), "two days ahead is outside 24h:\n" + gw.stderr_text())


if __name__ == "__main__":
    run_test(main)
