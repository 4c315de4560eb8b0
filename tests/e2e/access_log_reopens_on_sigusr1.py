#!/usr/bin/env python3
"""SIGUSR1 reopens the access log (what logrotate's postrotate asks for): after the file is renamed and the
signal sent, earlier lines are in the renamed file, later ones in a new file of the configured name, each line
whole and exactly once, and certgate goes on serving."""
import json
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, fail, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def entries(path):
    with open(path, "rb") as f:
        return [json.loads(l) for l in f.read().decode("utf-8").splitlines() if l.strip()]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        for n in range(5):
            check_eq(request(gw, "/before-%d" % n, cert="edge").status, 200, "status before")
        gw.wait_log(lambda e: e.get("path") == "/before-4")
        rotated = gw.access_log_path + ".1"
        os.rename(gw.access_log_path, rotated)
        gw.signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not os.path.exists(gw.access_log_path):
            if time.monotonic() > deadline:
                fail("no new access log within 10 s of SIGUSR1")
            time.sleep(0.05)
        for n in range(5):
            check_eq(request(gw, "/after-%d" % n, cert="edge").status, 200, "status after")
        gw.wait_log(lambda e: e.get("path") == "/after-4")
        check(gw.alive(), "certgate still runs after SIGUSR1")

        old = [e["path"] for e in entries(rotated)]
        new = [e["path"] for e in entries(gw.access_log_path)]
        check_eq(old, ["/before-%d" % n for n in range(5)], "lines in the renamed file")
        check_eq(new, ["/after-%d" % n for n in range(5)], "lines in the new file")
        check("access log: reopened" in gw.stderr_text(), "the reopen is logged: %r" % gw.stderr_text()[-500:])


if __name__ == "__main__":
    run_test(main)
